using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace PeerCode.Benchmarks.Projections;

/// <summary>
/// A throwaway PostgreSQL cluster from Debian's binaries (scripts/deps/test.apt installs postgresql): initdb into a temp
/// directory, started on a free 127.0.0.1 port with its unix socket in that directory, stopped and deleted at exit.
/// As root it runs as the postgres system user (initdb refuses root). One cluster per process (tests, benchmark); each user gets its own schema. Linked into the tests project.
/// </summary>
public sealed class PostgresCluster
{
    private static readonly Lazy<PostgresCluster> Shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly string _bin;
    private readonly string _dir;
    private readonly bool _asRoot;
    private int _schemas;

    public static PostgresCluster Instance => Shared.Value;

    public string ConnectionString { get; }

    private PostgresCluster(string bin, string dir, bool asRoot, int port)
    {
        _bin = bin;
        _dir = dir;
        _asRoot = asRoot;
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=peercode;Pooling=true;Include Error Detail=true";
    }

    private static PostgresCluster Start()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        if (bin is null)
            throw new InvalidOperationException("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin; scripts/test.sh installs Debian's postgresql package.");

        var asRoot = Environment.UserName == "root";
        var dir = Path.Combine("/tmp", "peercode-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        if (asRoot) Run("chown", ["postgres:postgres", dir], false);
        var port = FreePort();
        var cluster = new PostgresCluster(bin, dir, asRoot, port);
        cluster.Tool("initdb", ["-D", Path.Combine(dir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
        cluster.Tool("pg_ctl", ["-D", Path.Combine(dir, "data"), "-l", Path.Combine(dir, "log"), "-w", "-t", "60", "-o",
            $"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", "start"]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Stop();

        using var admin = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false");
        admin.Open();
        using var create = new NpgsqlCommand("CREATE DATABASE peercode", admin);
        create.ExecuteNonQuery();
        return cluster;
    }

    /// <summary>A connection string whose search path is a new, empty schema: a clean database per test at the cost of one statement.</summary>
    public string NewSchema()
    {
        var schema = $"t{Environment.ProcessId}_{Interlocked.Increment(ref _schemas)}";
        using var c = new NpgsqlConnection(ConnectionString);
        c.Open();
        using var cmd = new NpgsqlCommand($"CREATE SCHEMA {schema}", c);
        cmd.ExecuteNonQuery();
        return ConnectionString + $";Search Path={schema}";
    }

    private void Stop()
    {
        try
        {
            Tool("pg_ctl", ["-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop"]);
        }
        finally
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private void Tool(string name, string[] args)
    {
        var exe = Path.Combine(_bin, name);
        if (_asRoot) Run("runuser", ["-u", "postgres", "--", exe, .. args], true);
        else Run(exe, args, true);
    }

    private static void Run(string file, string[] args, bool withOutputInError)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(90_000)) { p.Kill(true); throw new TimeoutException($"{file} did not finish in 90 s"); }
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}" + (withOutputInError ? $": {stdout.Result} {stderr.Result}" : ""));
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
