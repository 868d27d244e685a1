namespace PeerCode.Domain.Runs;

/// <summary>How a whole run ended. Wire names (see <see cref="RunVerdictNames"/>) are stable: they are stored in events.</summary>
public enum RunVerdict
{
    Ok,
    CompileError,
    RuntimeError,
    TimeLimit,
    MemoryLimit,
    OutputLimit,
    InternalError,
}

/// <summary>How one test case ended.</summary>
public enum TestVerdict
{
    Passed,
    WrongAnswer,
    TimeLimit,
    RuntimeError,
}

public static class RunVerdictNames
{
    public static string ToWire(this RunVerdict v) => v switch
    {
        RunVerdict.Ok => "ok",
        RunVerdict.CompileError => "compile-error",
        RunVerdict.RuntimeError => "runtime-error",
        RunVerdict.TimeLimit => "time-limit",
        RunVerdict.MemoryLimit => "memory-limit",
        RunVerdict.OutputLimit => "output-limit",
        RunVerdict.InternalError => "internal-error",
        _ => throw new ArgumentOutOfRangeException(nameof(v), v, null),
    };

    public static string ToWire(this TestVerdict v) => v switch
    {
        TestVerdict.Passed => "passed",
        TestVerdict.WrongAnswer => "wrong-answer",
        TestVerdict.TimeLimit => "time-limit",
        TestVerdict.RuntimeError => "runtime-error",
        _ => throw new ArgumentOutOfRangeException(nameof(v), v, null),
    };
}
