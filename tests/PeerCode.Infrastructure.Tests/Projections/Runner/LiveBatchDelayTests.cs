using FluentAssertions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using PeerCode.Application.EventStore;
using PeerCode.Projections.Activity;
using PeerCode.Projections.Daily;
using PeerCode.Projections.Hosting;
using PeerCode.Projections.Rooms;
using PeerCode.Projections.Runner;
using PeerCode.Projections.Storage;
using PeerCode.Infrastructure.Tests.EventStore;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Projections.Runner;

/// <summary>
/// How long a live runner gathers events: the configured delay (Projections:LiveBatchDelayMs, 100 ms by default), or
/// a second for the aggregates every keystroke feeds (activity, daily), which rewrite one row per participant or day
/// per batch however many events it holds.
/// </summary>
public sealed class LiveBatchDelayTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ProjectionRunner Runner(Projection projection, ProjectionOptions options) =>
        new(projection, null!, null!, options, NullLogger.Instance);

    [Fact]
    public void Keystroke_aggregates_gather_a_second_and_the_others_the_configured_delay()
    {
        var options = new ProjectionOptions();

        Runner(new ActivityProjection(), options).LiveBatchDelay.Should().Be(TimeSpan.FromSeconds(1));
        Runner(new DailyProjection(), options).LiveBatchDelay.Should().Be(TimeSpan.FromSeconds(1));
        Runner(new RoomsProjection(), options).LiveBatchDelay.Should().Be(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_configured_delay_longer_than_a_projections_minimum_wins()
    {
        var options = new ProjectionOptions { LiveBatchDelay = TimeSpan.FromSeconds(3) };

        Runner(new ActivityProjection(), options).LiveBatchDelay.Should().Be(TimeSpan.FromSeconds(3));
        Runner(new RoomsProjection(), options).LiveBatchDelay.Should().Be(TimeSpan.FromSeconds(3));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("250", 250)]
    [InlineData("60000", 60_000)]
    public void The_setting_is_read_in_milliseconds(string value, int expectedMs)
    {
        var options = Configure(value).GetRequiredService<ProjectionOptions>();

        options.LiveBatchDelay.Should().Be(TimeSpan.FromMilliseconds(expectedMs));
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("0.5")]
    [InlineData("soon")]
    [InlineData("60001")]
    public void A_setting_that_is_not_a_whole_number_of_milliseconds_up_to_a_minute_is_refused_by_name(string value)
    {
        var act = () => Configure(value);

        act.Should().Throw<ReadModelConfigurationException>()
            .WithMessage($"*Projections:LiveBatchDelayMs*'{value}'*");
    }

    private ServiceProvider Configure(string delay)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [ProjectionsServiceCollectionExtensions.LiveBatchDelayKey] = delay,
            [ProjectionsServiceCollectionExtensions.ModeKey] = "off",
            [ProjectionsServiceCollectionExtensions.DataDirectoryKey] = _dir.Path,
        }).Build();
        return new ServiceCollection().AddPeerCodeProjections(configuration).BuildServiceProvider();
    }
}
