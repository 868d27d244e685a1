using FluentAssertions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PeerCode.Application.EventStore;
using PeerCode.Infrastructure.EventStore.EventStoreDb;
using Xunit;

namespace PeerCode.Infrastructure.Tests.EventStore.EventStoreDb;

public sealed class ConnectionStringTests
{
    [Fact]
    public void The_insecure_single_node_form_is_h2c_on_that_host_and_port()
    {
        var settings = EventStoreDbSettings.Parse("esdb://127.0.0.1:2113?tls=false");
        settings.Host.Should().Be("127.0.0.1");
        settings.Port.Should().Be(2113);
        settings.UseTls.Should().BeFalse();
        settings.HasCredentials.Should().BeFalse();
        settings.BaseAddress.Should().Be(new Uri("http://127.0.0.1:2113/"));
    }

    [Fact]
    public void Without_tls_false_it_is_https_with_the_default_port_and_credentials_are_unescaped()
    {
        var settings = EventStoreDbSettings.Parse("esdb://admin:p%40ss%3Aword@eventstore.internal/");
        settings.UseTls.Should().BeTrue();
        settings.VerifyCertificate.Should().BeTrue();
        settings.Host.Should().Be("eventstore.internal");
        settings.Port.Should().Be(2113);
        settings.UserName.Should().Be("admin");
        settings.Password.Should().Be("p@ss:word");
        settings.BaseAddress.Should().Be(new Uri("https://eventstore.internal:2113/"));
        settings.ToString().Should().NotContain("p@ss").And.Contain("admin:***@");
    }

    [Fact]
    public void Options_are_case_insensitive_and_set_tls_verification_ca_and_timings()
    {
        var settings = EventStoreDbSettings.Parse(
            "ESDB://[::1]:1234?TLS=true&tlsVerifyCert=false&tlsCaFile=%2Fetc%2Fca.pem&defaultDeadline=2500&keepAliveInterval=3000&KeepAliveTimeout=4000");
        settings.Host.Should().Be("::1");
        settings.Port.Should().Be(1234);
        settings.UseTls.Should().BeTrue();
        settings.VerifyCertificate.Should().BeFalse();
        settings.CaFile.Should().Be("/etc/ca.pem");
        settings.DefaultDeadline.Should().Be(TimeSpan.FromMilliseconds(2500));
        settings.KeepAliveInterval.Should().Be(TimeSpan.FromSeconds(3));
        settings.KeepAliveTimeout.Should().Be(TimeSpan.FromSeconds(4));
        settings.BaseAddress.Should().Be(new Uri("https://[::1]:1234/"));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("http://127.0.0.1:2113", "does not start with esdb://")]
    [InlineData("esdb+discover://cluster.local:2113", "gossip discovery")]
    [InlineData("esdb://a:2113,b:2113,c:2113", "several nodes")]
    [InlineData("esdb://:2113?tls=false", "not a host name")]
    [InlineData("esdb://bad host:2113", "not a host name")]
    [InlineData("esdb://127.0.0.1:99999", "not a port number")]
    [InlineData("esdb://127.0.0.1:abc", "not a port number")]
    [InlineData("esdb://127.0.0.1:2113/streams", "Unexpected path")]
    [InlineData("esdb://127.0.0.1:2113?tls=maybe", "true or false")]
    [InlineData("esdb://127.0.0.1:2113?tls", "not key=value")]
    [InlineData("esdb://127.0.0.1:2113?nodePreference=leader", "Unknown connection string option 'nodePreference'")]
    [InlineData("esdb://127.0.0.1:2113?defaultDeadline=-5", "positive number of milliseconds")]
    [InlineData("esdb://admin@127.0.0.1:2113", "user:password@")]
    [InlineData("esdb://127.0.0.1:2113?tls=false&tlsCaFile=/ca.pem", "tls=false")]
    [InlineData("esdb://[::1:2113", "Unclosed")]
    public void Bad_connection_strings_are_refused_with_a_message_naming_the_problem(string connectionString, string expected)
    {
        var act = () => EventStoreDbSettings.Parse(connectionString);
        act.Should().Throw<InvalidConnectionStringException>().Which.Message.Should().Contain(expected);
    }

    [Fact]
    public void Error_messages_never_echo_the_password()
    {
        var act = () => EventStoreDbSettings.Parse("mysql://admin:secret@127.0.0.1:2113");
        act.Should().Throw<InvalidConnectionStringException>().Which.Message.Should().NotContain("secret");
    }

    [Fact]
    public void The_di_hook_registers_the_adapter_only_when_the_connection_string_is_configured()
    {
        var configured = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["EventStore:ConnectionString"] = "esdb://127.0.0.1:2113?tls=false",
                ["EventStore:MaxEventBytes"] = "2048",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddEventStoreDbIfConfigured(configured).Should().BeTrue();
        using (var provider = services.BuildServiceProvider())
        {
            var store = provider.GetRequiredService<IEventStore>().Should().BeOfType<EventStoreDbEventStore>().Which;
            store.Settings.UseTls.Should().BeFalse();
            store.Settings.MaxEventBytes.Should().Be(2048);
            store.Settings.MaxStreamNameLength.Should().Be(200);
            provider.GetRequiredService<IEventStore>().Should().BeSameAs(store);
            provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckServiceOptions>>()
                .Value.Registrations.Select(r => r.Name).Should().Equal("eventstore");
        }

        var empty = new ServiceCollection();
        empty.AddEventStoreDbIfConfigured(new ConfigurationBuilder().Build()).Should().BeFalse();
        empty.Should().BeEmpty();

        var bad = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["EventStore:ConnectionString"] = "esdb://127.0.0.1:2113?tls=nope" })
            .Build();
        FluentActions.Invoking(() => new ServiceCollection().AddEventStoreDbIfConfigured(bad)).Should().Throw<InvalidConnectionStringException>();
    }
}
