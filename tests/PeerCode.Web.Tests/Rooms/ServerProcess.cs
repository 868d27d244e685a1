using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PeerCode.Web.Tests.Rooms;

/// <summary>
/// A real PeerCode server process (`dotnet PeerCode.Web.dll`) on a free loopback port with its own data folder, so
/// Node and browser clients reach real sockets, and restarts and second processes are real ones.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, string baseUrl, string dataDirectory)
    {
        _process = process;
        BaseUrl = baseUrl;
        DataDirectory = dataDirectory;
    }

    public string BaseUrl { get; }
    public int Port => new Uri(BaseUrl).Port;
    public string DataDirectory { get; }
    /// <summary>Everything the server printed so far (stdout and stderr: its logs).</summary>
    public string FullOutput { get { lock (_output) return _output.ToString(); } }
    /// <summary>The last 4,000 characters the server printed (for failure messages).</summary>
    public string Output { get { lock (_output) return _output.Length <= 4000 ? _output.ToString() : _output.ToString(_output.Length - 4000, 4000); } }

    public static Task<ServerProcess> StartAsync(string dataDirectory, params string[] extraArgs) => StartAsync(dataDirectory, FreePort(), extraArgs);

    /// <summary>Starts on a given port (to bring a server back where its clients reconnect).</summary>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, int port, params string[] extraArgs)
    {
        var root = Repo.Root;
        var configuration = Repo.Configuration;
        var dll = Path.Combine(root, "src", "Web", "bin", configuration, "net10.0", "PeerCode.Web.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"Build the web app first ({dll} is missing).");
        var url = $"http://127.0.0.1:{port}";
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.Combine(root, "src", "Web"),
        };
        foreach (var a in new[] { dll, "--urls", url, "--contentRoot", Path.Combine(root, "src", "Web"), "--PeerCode:DataDirectory", dataDirectory })
            info.ArgumentList.Add(a);
        foreach (var a in extraArgs) info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var server = new ServerProcess(process, url, dataDirectory);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (server._output) server._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (server._output) server._output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"The server exited with {process.ExitCode}:\n{server.Output}");
            try
            {
                // Any answer means Kestrel listens (hosted services start before it); the app's own health is not this test's subject.
                using var response = await http.GetAsync($"{url}/openapi/v1.json");
                return server;
            }
            catch (HttpRequestException) { /* not listening yet */ }
            await Task.Delay(100);
        }
        await server.DisposeAsync();
        throw new TimeoutException($"The server did not become healthy in 30 s:\n{server.Output}");
    }

    /// <summary>Stops the process the way a service manager does (SIGTERM, then waits for a clean exit).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await kill!.WaitForExitAsync();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try { await _process.WaitForExitAsync(wait.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration the tests were built with (the server is run from the same one).</summary>
    public static string Configuration { get; } = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";

    public static string NewDataDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "peercode-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PeerCode.sln"))) return dir.FullName;
        throw new InvalidOperationException("PeerCode.sln not found above the test assembly.");
    }
}
