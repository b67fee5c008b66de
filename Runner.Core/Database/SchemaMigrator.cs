using Dapper;
using DbUp;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Logging;
using Npgsql;
using Runner.Core.Hosting;

namespace Runner.Core.Database;

/// <summary>
/// Applies the versioned SQL files of <c>db/</c> (embedded in this assembly) that the database has not
/// seen yet, then installs or upgrades Hangfire's schema. The API and every worker call it at start; an
/// advisory lock keeps concurrent starts from racing (Hangfire's own installer fails when two processes
/// run it at once), and the journals of DbUp and Hangfire make a second run a no-op.
/// </summary>
public static class SchemaMigrator
{
    private const long AdvisoryLockKey = 0x52554E4E4552; // "RUNNER"

    public static async Task<IReadOnlyList<string>> MigrateAsync(string connectionString, string hangfireSchema, ILogger logger, CancellationToken ct = default)
    {
        DatabaseProblem.Parse(connectionString);
        await using var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw DatabaseProblem.Describe(connectionString, e);
        }

        await connection.ExecuteAsync("select pg_advisory_lock(@AdvisoryLockKey)", new { AdvisoryLockKey });
        try
        {
            var upgrade = DeployChanges.To.PostgresqlDatabase(connectionString)
                .WithScriptsEmbeddedInAssembly(typeof(SchemaMigrator).Assembly, name => name.StartsWith("db.", StringComparison.Ordinal))
                .WithTransactionPerScript()
                .LogToNowhere()
                .Build()
                .PerformUpgrade();
            if (!upgrade.Successful)
                throw new StartupException($"Database migration {upgrade.ErrorScript?.Name ?? "(unknown script)"} failed: {upgrade.Error.Message}",
                    StartupException.DatabaseExitCode, upgrade.Error);

            PostgreSqlObjectsInstaller.Install(connection, hangfireSchema);

            var applied = upgrade.Scripts.Select(s => s.Name).ToList();
            if (applied.Count > 0)
                logger.LogInformation("Applied {Count} database migrations: {Scripts}", applied.Count, string.Join(", ", applied));
            return applied;
        }
        finally
        {
            await connection.ExecuteAsync("select pg_advisory_unlock(@AdvisoryLockKey)", new { AdvisoryLockKey });
        }
    }
}
