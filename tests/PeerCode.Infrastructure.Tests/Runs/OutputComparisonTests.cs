using FluentAssertions;
using PeerCode.Infrastructure.Runs;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Runs;

public sealed class OutputComparisonTests
{
    [Theory]
    [InlineData("3\n", "3")]
    [InlineData("a b\nc\n", "a b  \r\nc\n\n\n")]
    [InlineData("", "\n")]
    public void Trailing_whitespace_and_blank_lines_do_not_matter(string expected, string actual) =>
        OutputComparison.Diff(expected, actual).Should().BeNull();

    [Theory]
    [InlineData("1\n2\n", "1\n3\n", "line 2: expected \"2\", got \"3\"")]
    [InlineData("1\n2\n", "1\n", "line 2: expected \"2\", got end of output")]
    [InlineData("1\n", "1\n2\n", "line 2: expected end of output, got \"2\"")]
    [InlineData(" 1\n", "1\n", "line 1: expected \" 1\", got \"1\"")]
    public void The_first_differing_line_is_described(string expected, string actual, string diff) =>
        OutputComparison.Diff(expected, actual).Should().Be(diff);
}
