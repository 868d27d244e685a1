using System.Text;
using FluentAssertions;
using PeerCode.Domain.Runs;
using PeerCode.Infrastructure.Runs;
using PeerCode.Infrastructure.Runs.Sandbox;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Runs;

public sealed class TestCaseAndInputTests(SandboxFixture fx) : IClassFixture<SandboxFixture>
{
    private const string Adder = """
        import sys
        a, b = map(int, sys.stdin.read().split())
        if a < 0:
            while True:
                pass
        if a == 13:
            raise SystemExit(7)
        print(a + b if a != 2 else a * b)
        """;

    [Fact]
    public async Task Each_test_gets_its_own_verdict_and_a_hidden_tests_data_never_appears_in_its_result()
    {
        RunTestCase[] tests =
        [
            new("visible pass", "1 2\n", "3\n", Hidden: false),
            new("visible wrong", "2 5\n", "7\n", Hidden: false),
            new("hidden wrong", "2 9\n", "11\n", Hidden: true),
            new("hidden pass", "40 2\n", "42", Hidden: true),
            new("loops", "-1 0\n", "0\n", Hidden: false),
            new("crashes", "13 0\n", "13\n", Hidden: false),
        ];

        var r = await fx.Runner(SandboxFixture.Tight).RunAsync(new RunRequest("python", Adder, "3 4\n", tests));

        r.Verdict.Should().Be(RunVerdict.Ok);
        r.Stdout.Should().Be("7\n");
        r.Tests.Select(t => (t.Name, t.Verdict)).Should().Equal(
            ("visible pass", TestVerdict.Passed),
            ("visible wrong", TestVerdict.WrongAnswer),
            ("hidden wrong", TestVerdict.WrongAnswer),
            ("hidden pass", TestVerdict.Passed),
            ("loops", TestVerdict.TimeLimit),
            ("crashes", TestVerdict.RuntimeError));
        r.Tests[1].Diff.Should().Be("line 1: expected \"7\", got \"10\"");
        r.Tests[2].Diff.Should().BeNull();
        var hidden = string.Join("|", r.Tests.Where(t => t.Hidden).Select(t => $"{t.Diff}{t.Detail}"));
        hidden.Should().NotContain("11").And.NotContain("18").And.NotContain("9");
        r.Tests[5].Detail.Should().Be("Exited with code 7.");
    }

    [Fact]
    public async Task Output_is_streamed_as_it_arrives_and_matches_the_final_output()
    {
        var chunks = new List<(OutputStream, string)>();
        var code = "import sys, time\nprint('first', flush=True)\ntime.sleep(0.3)\nprint('oops', file=sys.stderr, flush=True)\nprint('second')\n";

        var r = await fx.Runner().RunAsync(new RunRequest("python", code, "", []), (s, t) => { lock (chunks) chunks.Add((s, t)); });

        r.Stdout.Should().Be("first\nsecond\n");
        r.Stderr.Should().Be("oops\n");
        chunks.Where(c => c.Item1 == OutputStream.Stdout).Select(c => c.Item2).Should().Equal("first\n", "second\n");
        string.Concat(chunks.Where(c => c.Item1 == OutputStream.Stderr).Select(c => c.Item2)).Should().Be("oops\n");
    }

    [Fact]
    public async Task Large_stdin_reaches_the_program_whole_and_a_program_that_ignores_stdin_is_fine()
    {
        var input = new StringBuilder();
        for (var i = 0; i < 100_000; i++) input.Append(i).Append('\n');

        var counted = await fx.Runner().RunAsync(new RunRequest("python", "import sys\nprint(sum(map(int, sys.stdin)))\n", input.ToString(), []));
        var ignored = await fx.Runner().RunAsync(new RunRequest("python", "print('no reading')\n", input.ToString(), []));

        counted.Stdout.Should().Be($"{99_999L * 100_000 / 2}\n");
        ignored.Verdict.Should().Be(RunVerdict.Ok);
        ignored.Stdout.Should().Be("no reading\n");
    }

    public static TheoryData<string, RunRequest> BadRequests() => new()
    {
        { "unknown-language", new RunRequest("cobol", "DISPLAY 'HI'.", "", []) },
        { "code-too-large", new RunRequest("python", new string('#', (1 << 20) + 1), "", []) },
        { "stdin-too-large", new RunRequest("python", "pass", new string('1', (1 << 20) + 1), []) },
        { "too-many-tests", new RunRequest("python", "pass", "", Enumerable.Range(0, 51).Select(i => new RunTestCase($"t{i}", "", "", false)).ToList()) },
        { "test-too-large", new RunRequest("python", "pass", "", [new RunTestCase("big", new string('1', 600_000), new string('2', 600_000), true)]) },
        { "tests-too-large", new RunRequest("python", "pass", "", Enumerable.Range(0, 5).Select(i => new RunTestCase($"t{i}", new string('1', 900_000), "", false)).ToList()) },
        { "test-invalid", new RunRequest("python", "pass", "", [new RunTestCase(" ", "", "", false)]) },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_is_refused_with_a_typed_error_before_any_sandbox_starts(string code, RunRequest request)
    {
        var started = false;

        var act = () => fx.Runner().RunAsync(request, (_, _) => started = true);

        (await act.Should().ThrowAsync<RunRequestException>()).Which.Code.Should().Be(code);
        started.Should().BeFalse();
    }
}
