namespace PeerCode.Infrastructure.Runs.Jobs;

/// <summary>
/// The job store as configured (section <c>PeerCode:Runs:JobStore</c>): <c>Provider</c> <c>sqlite</c> (default, the file
/// the host names) or <c>postgres</c> (clustered, <c>ConnectionString</c> required), and the cluster's timings.
/// </summary>
public sealed class RunJobStoreSettings
{
    public const string Section = "PeerCode:Runs:JobStore";
    private static readonly RunJobStore.ClusteredPostgres Defaults = new("");

    public string Provider { get; set; } = "sqlite";
    public string? ConnectionString { get; set; }
    public TimeSpan CheckinInterval { get; set; } = Defaults.CheckinInterval;
    public TimeSpan CheckinMisfireThreshold { get; set; } = Defaults.CheckinMisfireThreshold;
    public TimeSpan PollInterval { get; set; } = Defaults.PollInterval;

    /// <summary>The store these settings name; <paramref name="sqlitePath"/> is used only by the sqlite provider.</summary>
    /// <exception cref="InvalidOperationException">The settings are incomplete or out of range; the message names the key.</exception>
    public RunJobStore ToStore(string sqlitePath)
    {
        switch (Provider.ToLowerInvariant())
        {
            case "sqlite":
                return new RunJobStore.Sqlite(sqlitePath);
            case "postgres":
                if (string.IsNullOrWhiteSpace(ConnectionString))
                    throw new InvalidOperationException($"{Section}:ConnectionString is required when {Section}:Provider is postgres.");
                if (CheckinInterval <= TimeSpan.Zero || CheckinMisfireThreshold <= TimeSpan.Zero)
                    throw new InvalidOperationException($"{Section}:CheckinInterval and {Section}:CheckinMisfireThreshold must be positive.");
                if (PollInterval < TimeSpan.FromSeconds(1))
                    throw new InvalidOperationException($"{Section}:PollInterval must be at least 00:00:01 (Quartz's minimum idle wait).");
                return new RunJobStore.ClusteredPostgres(ConnectionString)
                {
                    CheckinInterval = CheckinInterval,
                    CheckinMisfireThreshold = CheckinMisfireThreshold,
                    PollInterval = PollInterval,
                };
            default:
                throw new InvalidOperationException($"{Section}:Provider '{Provider}' is not known; use sqlite or postgres.");
        }
    }
}
