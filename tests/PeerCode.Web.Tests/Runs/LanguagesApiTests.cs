using System.Net.Http.Json;
using FluentAssertions;
using Microsoft.AspNetCore.Mvc.Testing;
using PeerCode.Web.Runs;
using Xunit;

namespace PeerCode.Web.Tests.Runs;

public sealed class LanguagesApiTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Fact]
    public async Task Languages_lists_every_catalogued_language_installed_here_with_its_version_and_the_sandbox_state()
    {
        var body = await factory.CreateClient().GetFromJsonAsync<LanguagesApi.LanguagesResponse>("/api/languages");

        body!.Sandbox.Available.Should().BeTrue(body.Sandbox.Unavailable);
        body.Sandbox.Cgroups.Should().BeTrue(body.Sandbox.CgroupFallback);
        // scripts/test.sh installs every toolchain of the catalogue, so all ten must be offered.
        body.Missing.Should().BeEmpty();
        body.Languages.Select(l => l.Id).Should().BeEquivalentTo("python", "javascript", "typescript", "c", "cpp", "java", "csharp", "go", "rust", "ruby");
        body.Languages.Single(l => l.Id == "python").Version.Should().StartWith("Python 3.");
        body.Languages.Should().AllSatisfy(l => l.Version.Should().NotBeNullOrWhiteSpace());
    }
}
