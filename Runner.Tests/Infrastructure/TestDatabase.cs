using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Runner.Core.Database;

namespace Runner.Tests.Infrastructure;

/// <summary>
/// A fresh, empty database on the PostgreSQL that scripts/test.sh starts (RUNNER_TEST_POSTGRES, an
/// administrative connection), dropped again when disposed.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private const string LocalDefault = "Host=127.0.0.1;Port=55433;Database=postgres;Username=runner;Password=runner";

    private readonly string _admin;

    private TestDatabase(string admin, string name)
    {
        _admin = admin;
        Name = name;
        // Pooled, as the service runs in production: unpooled, every Hangfire poll and heartbeat of the API and workers under
        // test forked a server process and ran a SCRAM handshake (888 connections in one sequential batch's test, about a
        // fifth of the suite's CPU time; docs/benchmarks.md).
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    public string Name { get; }
    public string ConnectionString { get; }

    public static Task<TestDatabase> CreateAsync() => CreateAsync(template: null);

    /// <summary>A fresh database with Runner's schema and Hangfire's, as the API and workers find it.</summary>
    public static async Task<TestDatabase> CreateMigratedAsync() => await CreateAsync(await MigratedTemplate.Value);

    /// <summary>
    /// One database migrated per test run, copied for each test that wants a migrated one: a copy is a file copy in the server,
    /// where migrating each anew ran DbUp's and Hangfire's scripts (docs/benchmarks.md). Dropped when the test run ends.
    /// </summary>
    private static readonly Lazy<Task<string>> MigratedTemplate = new(async () =>
    {
        var template = await CreateAsync(template: null);
        await SchemaMigrator.MigrateAsync(template.ConnectionString, "hangfire", NullLogger.Instance);
        NpgsqlConnection.ClearPool(new NpgsqlConnection(template.ConnectionString)); // a template takes no connections while copied
        AppDomain.CurrentDomain.ProcessExit += (_, _) => template.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return template.Name;
    });

    private static async Task<TestDatabase> CreateAsync(string? template)
    {
        var admin = Environment.GetEnvironmentVariable("RUNNER_TEST_POSTGRES") ?? LocalDefault;
        var name = $"runner_test_{Guid.NewGuid():N}"[..30];
        await using var connection = new NpgsqlConnection(admin);
        try
        {
            await connection.OpenAsync();
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException($"The test PostgreSQL is not reachable ({e.Message}); run the tests with scripts/test.sh, which starts it.", e);
        }
        var copy = template is null ? "" : $" template {template}";
        await using var create = new NpgsqlCommand($"create database {name}{copy}", connection);
        await create.ExecuteNonQueryAsync();
        return new TestDatabase(admin, name);
    }

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop database if exists {Name} with (force)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
