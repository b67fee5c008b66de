using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Runner.Core.Hosting;

namespace Runner.Core.Queueing;

public static class HangfireSetup
{
    /// <summary>Hangfire on the Runner database, in its own schema; shared by the API (client, dashboard) and workers (server).</summary>
    public static IServiceCollection AddRunnerHangfire(this IServiceCollection services, string connectionString, QueueOptions options)
    {
        if (options.InvisibilityTimeoutSeconds < 10)
            throw new StartupException($"{QueueOptions.SectionName}:InvisibilityTimeoutSeconds is {options.InvisibilityTimeoutSeconds}; it must be at least 10.");
        if (!System.Text.RegularExpressions.Regex.IsMatch(options.SchemaName, "^[a-z_][a-z0-9_]{0,62}$"))
            throw new StartupException($"{QueueOptions.SectionName}:SchemaName '{options.SchemaName}' is not a plain PostgreSQL identifier (lower-case letters, digits, _).");
        if (options.PollIntervalSeconds < 1)
            throw new StartupException($"{QueueOptions.SectionName}:PollIntervalSeconds is {options.PollIntervalSeconds}; it must be at least 1.");

        // The storage options must be passed here: options given only to a connection factory are ignored.
        var storage = new PostgreSqlStorageOptions
        {
            SchemaName = options.SchemaName,
            PrepareSchemaIfNecessary = false, // SchemaMigrator installs it under its lock
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = TimeSpan.FromSeconds(options.InvisibilityTimeoutSeconds),
            QueuePollInterval = TimeSpan.FromSeconds(options.PollIntervalSeconds),
            EnableLongPolling = true,
            // Fail at start with a clear message instead of running degraded without storage.
            StartupConnectionMaxRetries = 0,
            AllowDegradedModeWithoutStorage = false,
        };
        services.AddSingleton(options);
        // Each host hands out its own storage. Hangfire's default registration hands out the process-wide JobStorage.Current,
        // which belongs to whichever host was configured last when one process hosts several (the tests host many at once).
        var jobStorage = new Lazy<JobStorage>(() => new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, storage), storage));
        services.AddSingleton(provider =>
        {
            provider.GetRequiredService<IGlobalConfiguration>(); // the serializer settings below are set before any job is written
            return jobStorage.Value;
        });
        services.AddHangfire((provider, c) => c
            .UseLogProvider(new HangfireLogProvider(provider.GetRequiredService<ILoggerFactory>()))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseStorage(jobStorage.Value));
        return services;
    }
}
