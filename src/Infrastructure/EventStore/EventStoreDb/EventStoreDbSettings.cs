using System.Globalization;

namespace PeerCode.Infrastructure.EventStore.EventStoreDb;

/// <summary>How event ids travel on the wire. Both forms are always decoded; this picks what the adapter sends and asks for.</summary>
public enum UuidWireFormat
{
    /// <summary>Two signed 64-bit halves of the big-endian RFC 4122 bytes: smaller and no text parsing (the default).</summary>
    Structured,
    /// <summary>The 36-character "D" text form.</summary>
    String,
}

/// <summary>A connection string that cannot be used; the message says which part and why.</summary>
public sealed class InvalidConnectionStringException(string message) : FormatException(message);

/// <summary>
/// Everything the adapter needs to reach one EventStoreDB node. <see cref="Parse"/> reads the
/// connection string form <c>esdb://[user:password@]host[:port][/][?key=value&amp;...]</c>; the
/// remaining properties are tuning knobs with production defaults that code (and tests) may override with <c>with</c>.
/// </summary>
public sealed record EventStoreDbSettings
{
    public const int DefaultPort = 2113;

    /// <summary>The keys <see cref="Parse"/> understands (case-insensitive, as in EventStoreDB's own clients).</summary>
    public static readonly IReadOnlyList<string> SupportedKeys =
        ["tls", "tlsVerifyCert", "tlsCaFile", "defaultDeadline", "keepAliveInterval", "keepAliveTimeout", "batchAppend"];

    public required string Host { get; init; }
    public int Port { get; init; } = DefaultPort;
    /// <summary>false = plain HTTP/2 with prior knowledge (h2c); true = HTTPS with ALPN h2.</summary>
    public bool UseTls { get; init; } = true;
    /// <summary>false accepts any server certificate (development clusters with self-signed certificates only).</summary>
    public bool VerifyCertificate { get; init; } = true;
    /// <summary>A PEM or DER certificate to trust as the root of the server's chain, instead of the system store.</summary>
    public string? CaFile { get; init; }
    public string? UserName { get; init; }
    public string? Password { get; init; }
    /// <summary>Deadline of each append and read call (not of subscriptions, which stay open).</summary>
    public TimeSpan DefaultDeadline { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>HTTP/2 PING interval on idle connections, so a dead server under a live subscription is noticed.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Send appends over one long-lived BatchAppend call instead of one Append call each (connection string
    /// <c>batchAppend=true</c>). Faster under many concurrent appends; off by default because, unlike Append, its
    /// exchange with a real server is not in the golden recordings: turn it on once the PEERCODE_TEST_ESDB tests pass
    /// with it against your server version.
    /// </summary>
    public bool UseBatchAppend { get; init; }

    public UuidWireFormat UuidFormat { get; init; } = UuidWireFormat.Structured;
    /// <summary>First wait before a dropped subscription reconnects; doubles per consecutive failure up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectInitialDelay { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Consecutive failed reconnects after which a subscription gives up with <c>EventStoreUnavailableException</c>; null = never.</summary>
    public int? MaxReconnectAttempts { get; init; }
    /// <summary>
    /// Largest accepted event payload, inclusive (the port's limit, as the embedded store's EventStore:MaxEventBytes).
    /// The whole append is also bounded by the server's MaxAppendSize, which it enforces itself.
    /// </summary>
    public int MaxEventBytes { get; init; } = 1024 * 1024;
    /// <summary>Longest accepted stream name in UTF-16 characters, inclusive (as the embedded store's EventStore:MaxStreamNameLength).</summary>
    public int MaxStreamNameLength { get; init; } = 200;

    public Uri BaseAddress => new UriBuilder(UseTls ? "https" : "http", Host, Port).Uri;

    public bool HasCredentials => UserName is not null;

    public override string ToString() =>
        $"esdb://{(HasCredentials ? UserName + ":***@" : "")}{(Host.Contains(':') ? $"[{Host}]" : Host)}:{Port}?tls={(UseTls ? "true" : "false")}";

    /// <summary>Parses <c>esdb://[user:password@]host[:port][/][?key=value&amp;...]</c>. One node only.</summary>
    /// <exception cref="InvalidConnectionStringException">Anything malformed, unknown or unsupported.</exception>
    public static EventStoreDbSettings Parse(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidConnectionStringException("The EventStoreDB connection string is empty; expected esdb://host:2113?tls=false.");

        const string scheme = "esdb://";
        var text = connectionString.Trim();
        if (text.StartsWith("esdb+discover://", StringComparison.OrdinalIgnoreCase))
            throw new InvalidConnectionStringException(
                "esdb+discover:// (gossip discovery) is not supported by this adapter; give one node or a load balancer in front of the cluster as esdb://host:2113.");
        if (!text.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            throw new InvalidConnectionStringException($"'{Redact(text)}' does not start with esdb://; expected esdb://host:2113?tls=false.");
        text = text[scheme.Length..];

        string query = "";
        var q = text.IndexOf('?');
        if (q >= 0) { query = text[(q + 1)..]; text = text[..q]; }
        if (text.EndsWith('/')) text = text[..^1];
        if (text.Contains('/'))
            throw new InvalidConnectionStringException($"Unexpected path in '{Redact(connectionString)}'; only esdb://[user:password@]host[:port][?options] is accepted.");

        string? user = null, password = null;
        var at = text.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = text[..at];
            text = text[(at + 1)..];
            var colon = userInfo.IndexOf(':');
            if (colon <= 0 || colon == userInfo.Length - 1)
                throw new InvalidConnectionStringException("Credentials in the connection string must be user:password@ with both parts non-empty.");
            user = Uri.UnescapeDataString(userInfo[..colon]);
            password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        }

        if (text.Contains(','))
            throw new InvalidConnectionStringException(
                $"'{text}' lists several nodes; this adapter connects to one node (put a load balancer in front of the cluster).");
        var (host, port) = ParseHostAndPort(text);

        var settings = new EventStoreDbSettings { Host = host, Port = port, UserName = user, Password = password };
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0)
                throw new InvalidConnectionStringException($"Option '{pair}' in the connection string is not key=value.");
            var key = pair[..eq];
            var value = Uri.UnescapeDataString(pair[(eq + 1)..]);
            settings = key.ToLowerInvariant() switch
            {
                "tls" => settings with { UseTls = ParseBool(key, value) },
                "tlsverifycert" => settings with { VerifyCertificate = ParseBool(key, value) },
                "tlscafile" => settings with { CaFile = value.Length > 0 ? value : throw new InvalidConnectionStringException("tlsCaFile needs a file path.") },
                "defaultdeadline" => settings with { DefaultDeadline = ParseMilliseconds(key, value) },
                "keepaliveinterval" => settings with { KeepAliveInterval = ParseMilliseconds(key, value) },
                "keepalivetimeout" => settings with { KeepAliveTimeout = ParseMilliseconds(key, value) },
                "batchappend" => settings with { UseBatchAppend = ParseBool(key, value) },
                _ => throw new InvalidConnectionStringException(
                    $"Unknown connection string option '{key}'; supported: {string.Join(", ", SupportedKeys)}."),
            };
        }
        if (!settings.UseTls && settings.CaFile is not null)
            throw new InvalidConnectionStringException("tlsCaFile was given but tls=false; drop one of them.");
        return settings;
    }

    private static (string Host, int Port) ParseHostAndPort(string text)
    {
        string host;
        string? portText = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0) throw new InvalidConnectionStringException($"Unclosed '[' in host '{text}'.");
            host = text[1..close];
            var rest = text[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':') throw new InvalidConnectionStringException($"Unexpected '{rest}' after host '[{host}]'.");
                portText = rest[1..];
            }
        }
        else
        {
            var colon = text.IndexOf(':');
            host = colon < 0 ? text : text[..colon];
            if (colon >= 0) portText = text[(colon + 1)..];
        }
        if (host.Length == 0 || Uri.CheckHostName(host) == UriHostNameType.Unknown)
            throw new InvalidConnectionStringException($"'{host}' is not a host name or IP address; expected esdb://host:2113.");
        var port = DefaultPort;
        if (portText is not null &&
            (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
            throw new InvalidConnectionStringException($"'{portText}' is not a port number (1-65535).");
        return (host, port);
    }

    private static bool ParseBool(string key, string value) => value.ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw new InvalidConnectionStringException($"Option {key} must be true or false, got '{value}'."),
    };

    private static TimeSpan ParseMilliseconds(string key, string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? TimeSpan.FromMilliseconds(ms)
            : throw new InvalidConnectionStringException($"Option {key} must be a positive number of milliseconds, got '{value}'.");

    /// <summary>Error messages never echo a password.</summary>
    private static string Redact(string text)
    {
        var at = text.LastIndexOf('@');
        return at < 0 ? text : "***@" + text[(at + 1)..];
    }
}
