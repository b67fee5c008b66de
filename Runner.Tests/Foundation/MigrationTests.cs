using Microsoft.Extensions.Logging.Abstractions;
using Runner.Core.Database;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Foundation;

public sealed class MigrationTests
{
    [Fact]
    public async Task Migrations_create_the_schema_and_a_second_run_is_a_no_op()
    {
        await using var db = await TestDatabase.CreateAsync();

        var first = await SchemaMigrator.MigrateAsync(db.ConnectionString, "hangfire", NullLogger.Instance);
        var second = await SchemaMigrator.MigrateAsync(db.ConnectionString, "hangfire", NullLogger.Instance);

        Assert.Contains("db.0001_workers.sql", first);
        Assert.Empty(second);
        Assert.Equal(first.Count, await db.ScalarAsync<long>("select count(*) from schemaversions"));
        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from workers"));
        Assert.True(await db.ScalarAsync<int>("select max(version) from hangfire.schema") >= 23);
    }

    [Fact]
    public async Task Concurrent_starts_migrate_once_without_errors()
    {
        await using var db = await TestDatabase.CreateAsync();

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Task.Run(() => SchemaMigrator.MigrateAsync(db.ConnectionString, "hangfire", NullLogger.Instance))));

        Assert.Single(runs, applied => applied.Count > 0);
        Assert.Equal(runs.Max(r => r.Count), await db.ScalarAsync<long>("select count(*) from schemaversions"));
    }
}
