namespace PeerCode.Benchmarks;

public sealed class CommandLineException(string message) : Exception(message);

/// <summary>Parses "--name value" pairs and bare "--flag" switches.</summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.OrdinalIgnoreCase);

    public CommandLine(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                throw new CommandLineException($"unexpected argument '{args[i]}'; options look like --name value");
            var name = args[i][2..];
            string? value = null;
            if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                value = args[++i];
            _options[name] = value;
        }
    }

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Get(string name) => _options.TryGetValue(name, out var v) ? v : null;

    public string Require(string name) =>
        Get(name) ?? throw new CommandLineException($"--{name} is required");

    public int GetInt(string name, int fallback, int minimum = 1)
    {
        var v = Get(name);
        if (v is null) return fallback;
        return int.TryParse(v, out var n) && n >= minimum
            ? n
            : throw new CommandLineException(minimum == 1
                ? $"--{name} must be a positive whole number, got '{v}'"
                : $"--{name} must be a whole number of at least {minimum}, got '{v}'");
    }
}
