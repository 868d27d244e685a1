using System.Text;
using PeerCode.Domain.Runs;
using PeerCode.Infrastructure.Runs.Languages;

namespace PeerCode.Infrastructure.Runs;

/// <summary>What to run: the exact code (taken from the room's document at request time), its stdin and its test cases.</summary>
public sealed record RunRequest(string Language, string Code, string Stdin, IReadOnlyList<RunTestCase> Tests);

/// <summary>A request refused before anything was queued or started. <see cref="Code"/> is stable for clients.</summary>
public sealed class RunRequestException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>Size limits of a run request (the issue: code and stdin at most 1 MiB each; tests bounded too).</summary>
public sealed record RunRequestLimits(int MaxCodeBytes, int MaxStdinBytes, int MaxTests, int MaxTestBytes, int MaxTotalTestBytes)
{
    public static RunRequestLimits Default { get; } = new(1 << 20, 1 << 20, 50, 1 << 20, 4 << 20);

    /// <summary>Throws <see cref="RunRequestException"/> for the first problem found; returns the language otherwise.</summary>
    public AvailableLanguage Validate(RunRequest request, LanguageCatalogue catalogue)
    {
        if (!catalogue.TryGet(request.Language ?? "", out var language))
            throw new RunRequestException("unknown-language",
                $"'{request.Language}' is not a language this node can run; choose one of: {string.Join(", ", catalogue.Available.Select(a => a.Definition.Id))}.");
        Check("code-too-large", "The code", Encoding.UTF8.GetByteCount(request.Code ?? ""), MaxCodeBytes);
        Check("stdin-too-large", "The standard input", Encoding.UTF8.GetByteCount(request.Stdin ?? ""), MaxStdinBytes);
        var tests = request.Tests ?? [];
        if (tests.Count > MaxTests)
            throw new RunRequestException("too-many-tests", $"A run may carry at most {MaxTests} test cases; this one has {tests.Count}.");
        long total = 0;
        foreach (var t in tests)
        {
            if (string.IsNullOrWhiteSpace(t.Name))
                throw new RunRequestException("test-invalid", "Every test case needs a name.");
            var size = Encoding.UTF8.GetByteCount(t.Stdin ?? "") + Encoding.UTF8.GetByteCount(t.ExpectedStdout ?? "");
            Check("test-too-large", $"Test '{t.Name}' (input plus expected output)", size, MaxTestBytes);
            total += size;
        }
        if (total > MaxTotalTestBytes)
            throw new RunRequestException("tests-too-large", $"The test cases together are {total} bytes; the limit is {MaxTotalTestBytes} bytes.");
        return language;
    }

    private static void Check(string code, string what, long size, long max)
    {
        if (size > max)
            throw new RunRequestException(code, $"{what} is {size} bytes; the limit is {max} bytes ({max >> 10} KiB).");
    }
}
