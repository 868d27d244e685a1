using System.Diagnostics;
using System.Text;
using PeerCode.Domain.Runs;
using PeerCode.Infrastructure.Runs.Languages;
using PeerCode.Infrastructure.Runs.Sandbox;

namespace PeerCode.Infrastructure.Runs;

/// <summary>Default limits of runs on this node; a language's catalogue entry may override them per step.</summary>
public sealed record RunLimits(SandboxLimits Run, SandboxLimits Compile, long WorkspaceBytes)
{
    public static RunLimits Default { get; } = new(SandboxLimits.Default, SandboxLimits.DefaultCompile, 128L << 20);
}

/// <summary>
/// Runs one request through the sandbox: a fresh workspace, the compile step if the language has one, the main
/// execution with the request's stdin (its output streamed to <c>onOutput</c>), then each test case in turn.
/// </summary>
public sealed class CodeRunner(BubblewrapSandbox sandbox, LanguageCatalogue catalogue, RunLimits limits, RunRequestLimits requestLimits)
{
    public BubblewrapSandbox Sandbox => sandbox;

    public LanguageCatalogue Catalogue => catalogue;

    public RunLimits Limits => limits;

    public RunRequestLimits RequestLimits => requestLimits;

    /// <summary>Validates (throwing <see cref="RunRequestException"/>) and runs. <paramref name="onOutput"/> receives the
    /// compiler's and the main execution's output as it arrives (never a test case's: those may be hidden).</summary>
    public async Task<RunResult> RunAsync(RunRequest request, Action<OutputStream, string>? onOutput = null, CancellationToken ct = default)
    {
        var start = Stopwatch.GetTimestamp();
        var language = requestLimits.Validate(request, catalogue);
        var lap = SandboxPhases.Lap(SandboxPhases.Validate, start);
        // The workspace comes with the first step's sandbox already set up when the pool has one prepared: the
        // source is written before anything of the run executes either way (bwrap waits before the command).
        var firstStep = CompileStep(language, onOutput) ?? RunStep(language, request.Stdin, onOutput);
        var workspace = sandbox.TakeWorkspace(limits.WorkspaceBytes, firstStep);
        try
        {
            workspace.WriteFile(language.Definition.FileName, Encoding.UTF8.GetBytes(request.Code));
            SandboxPhases.Lap(SandboxPhases.WorkspaceCreate, lap);
            return await RunInAsync(workspace, language, request, onOutput, ct);
        }
        finally
        {
            var teardown = Stopwatch.GetTimestamp();
            workspace.Dispose();
            SandboxPhases.Lap(SandboxPhases.WorkspaceTeardown, teardown);
            SandboxPhases.Lap(SandboxPhases.Total, start);
        }
    }

    private async Task<RunResult> RunInAsync(SandboxWorkspace workspace, AvailableLanguage language, RunRequest request, Action<OutputStream, string>? onOutput, CancellationToken ct)
    {
        var def = language.Definition;
        var runLimits = def.Run.Limits?.ApplyTo(limits.Run) ?? limits.Run;

        if (CompileStep(language, onOutput) is { } compileStep)
        {
            var compileLimits = compileStep.Limits;
            var c = await sandbox.RunAsync(workspace, compileStep, ct);
            if (c.Termination != StepTermination.Exited || c.ExitCode != 0)
            {
                var why = c.Termination switch
                {
                    StepTermination.WallTimeout or StepTermination.CpuTimeout => $"The compiler exceeded its time limit ({compileLimits.CpuSeconds} s CPU, {compileLimits.WallMs} ms wall).",
                    StepTermination.MemoryLimit => $"The compiler exceeded its memory limit ({compileLimits.MemoryBytes >> 20} MiB).",
                    StepTermination.OutputLimit => "The compiler's output exceeded the output limit.",
                    _ => $"Compilation failed (exit code {c.ExitCode}).",
                };
                return new RunResult(RunVerdict.CompileError, c.ExitCode, c.WallMs, c.CpuMs, c.PeakMemoryKb, c.Stdout, c.Stderr, c.OutputTruncated, why, []);
            }
        }

        var main = await Execute(language, workspace, runLimits, request.Stdin, onOutput, ct);
        var (verdict, detail) = Classify(main, runLimits);

        var tests = new List<RunTestResult>();
        foreach (var test in request.Tests)
        {
            var o = await Execute(language, workspace, runLimits, test.Stdin, null, ct);
            var (tv, tdetail) = Classify(o, runLimits);
            RunTestResult result;
            if (tv == RunVerdict.Ok)
            {
                var diff = OutputComparison.Diff(test.ExpectedStdout, o.Stdout);
                result = diff is null
                    ? new RunTestResult(test.Name, test.Hidden, TestVerdict.Passed, null, null, o.WallMs)
                    : new RunTestResult(test.Name, test.Hidden, TestVerdict.WrongAnswer, test.Hidden ? null : diff, "The output differs from the expected output.", o.WallMs);
            }
            else
            {
                var v = tv == RunVerdict.TimeLimit ? TestVerdict.TimeLimit : TestVerdict.RuntimeError;
                result = new RunTestResult(test.Name, test.Hidden, v, null, tdetail, o.WallMs);
            }
            tests.Add(result);
        }

        return new RunResult(verdict, main.ExitCode, main.WallMs, main.CpuMs, main.PeakMemoryKb, main.Stdout, main.Stderr, main.OutputTruncated, detail, tests);
    }

    private Task<StepOutcome> Execute(AvailableLanguage language, SandboxWorkspace workspace, SandboxLimits runLimits, string stdin, Action<OutputStream, string>? onOutput, CancellationToken ct) =>
        sandbox.RunAsync(workspace, RunStep(language, stdin, onOutput), ct);

    private SandboxStep? CompileStep(AvailableLanguage language, Action<OutputStream, string>? onOutput)
    {
        var def = language.Definition;
        if (def.Compile is not { } compile) return null;
        var compileLimits = compile.Limits?.ApplyTo(limits.Compile) ?? limits.Compile;
        return new SandboxStep(compile.CommandFor(compileLimits), language.CompileBinds, compileLimits, compile.LimitAddressSpace,
            def.OutOfMemorySignatures, ReadOnlyMemory<byte>.Empty, onOutput);
    }

    private SandboxStep RunStep(AvailableLanguage language, string stdin, Action<OutputStream, string>? onOutput)
    {
        var def = language.Definition;
        var runLimits = def.Run.Limits?.ApplyTo(limits.Run) ?? limits.Run;
        return new SandboxStep(def.Run.CommandFor(runLimits), language.RunBinds, runLimits, def.Run.LimitAddressSpace,
            def.OutOfMemorySignatures, Encoding.UTF8.GetBytes(stdin), onOutput);
    }

    /// <summary>The verdict of one execution and a sentence for a person (which never quotes a test's data).</summary>
    private static (RunVerdict Verdict, string? Detail) Classify(StepOutcome o, SandboxLimits l) => o.Termination switch
    {
        StepTermination.WallTimeout => (RunVerdict.TimeLimit, $"Killed after the wall-clock limit of {l.WallMs} ms."),
        StepTermination.CpuTimeout => (RunVerdict.TimeLimit, $"Killed after the CPU-time limit of {l.CpuSeconds} s."),
        StepTermination.MemoryLimit => (RunVerdict.MemoryLimit, $"Exceeded the memory limit of {l.MemoryBytes >> 20} MiB."),
        StepTermination.OutputLimit => (RunVerdict.OutputLimit, $"Wrote more than the output limit of {l.OutputBytes >> 10} KiB; the output was cut and the program killed."),
        _ when o.ExitCode == 0 => (RunVerdict.Ok, null),
        _ when o.ExitCode > 128 => (RunVerdict.RuntimeError, $"Killed by signal {o.ExitCode - 128}{SignalName(o.ExitCode - 128)}."),
        _ => (RunVerdict.RuntimeError, $"Exited with code {o.ExitCode}."),
    };

    private static string SignalName(int signal) => signal switch
    {
        6 => " (SIGABRT)",
        8 => " (SIGFPE)",
        9 => " (SIGKILL)",
        11 => " (SIGSEGV)",
        _ => "",
    };
}
