using Microsoft.Playwright;

namespace PeerCode.Web.Tests.Rooms;

/// <summary>Debian's chromium for every browser test (never `playwright install`): scripts/test.sh installs it from scripts/deps/test.apt.</summary>
public static class Chromium
{
    public static readonly string[] Args =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    public static string Executable { get; } = Find();

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new() { ExecutablePath = Executable, Headless = true, Args = Args });

    private static string Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "chromium")).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("Debian's chromium is not installed; scripts/test.sh installs it (scripts/deps/test.apt).");
}
