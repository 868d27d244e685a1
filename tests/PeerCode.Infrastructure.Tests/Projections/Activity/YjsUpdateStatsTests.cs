using FluentAssertions;
using PeerCode.Projections.Activity;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Projections.Activity;

/// <summary>Golden updates from yjs 13.6.33 itself: yjs-updates.mjs beside this file printed each line.</summary>
public sealed class YjsUpdateStatsTests
{
    public static readonly TheoryData<string, string, long, long> Golden = new()
    {
        { "insert-hello-world", "AQEHAAQBBm1vbmFjbwtoZWxsbyB3b3JsZAA=", 11, 0 },
        { "delete-five", "AAEHAQAF", 0, 5 },
        { "insert-emoji", "AQEHC8QHBAcFBvCfmIBhYgA=", 4, 0 },
        { "paste-150", "AQEHD8QHDAcNlgF4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHgA", 150, 0 },
        { "replace-selection", "AQEHpQHEBxYHFwtkZWYgbWFpbigpOgEHAgsCDwg=", 11, 10 },
        { "format-and-map", "AQMHsAEoAQRtZXRhCGxhbmd1YWdlAXcGcHl0aG9uxgcWB6UBBGJvbGQEdHJ1ZcYHpwEHqAEEYm9sZARudWxsAA==", 0, 0 },
    };

    [Theory]
    [MemberData(nameof(Golden))]
    public void Reading_a_yjs_update_counts_what_yjs_inserted_and_deleted(string name, string base64, long inserted, long deleted)
    {
        var stats = YjsUpdateStats.TryRead(Convert.FromBase64String(base64));

        stats.Should().Be(new YjsEditStats(inserted, deleted), name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("AQEHAAQBBm1vbmFjbwto")] // cut inside the string content
    [InlineData("AQEHAB8=")] // content ref 31 does not exist
    public void Reading_bytes_that_are_not_an_update_gives_null(string base64) =>
        YjsUpdateStats.TryRead(Convert.FromBase64String(base64)).Should().BeNull();
}
