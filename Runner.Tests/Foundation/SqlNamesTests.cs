using System.Reflection;
using Dapper;
using Npgsql;
using Runner.Core.Batches;
using Runner.Core.Database;
using Runner.Core.Validation;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Foundation;

/// <summary>The statuses' and error kinds' SQL text (<see cref="SqlNames"/>) is their stored name, and Dapper reads that name back as the enum.</summary>
public sealed class SqlNamesTests
{
    [Fact]
    public void Each_literal_is_its_values_stored_name_in_quotes()
    {
        var literals = typeof(SqlNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name != nameof(SqlNames.Active))
            .ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!);
        var names = Enum.GetValues<RunStatus>().Select(v => (v.ToString(), JsonNames.Of(v)))
            .Concat(Enum.GetValues<BatchStatus>().Select(v => (v.ToString(), JsonNames.Of(v))))
            .Concat(Enum.GetValues<RunErrorKind>().Where(v => v != RunErrorKind.Deterministic).Select(v => (v.ToString(), JsonNames.Of(v))))
            .Distinct().ToDictionary(n => n.Item1, n => $"'{n.Item2}'");
        Assert.Equal(names.OrderBy(n => n.Key), literals.OrderBy(n => n.Key));
        var active = SqlNames.Active;
        Assert.Equal($"('{JsonNames.Of(RunStatus.Queued)}', '{JsonNames.Of(RunStatus.Running)}')", active);
    }

    [Fact]
    public async Task Dapper_reads_a_stored_status_as_its_enum()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        var row = await connection.QuerySingleAsync<(RunStatus Status, int Attempt)>($"select {SqlNames.Cancelled}::text, 2");
        Assert.Equal((RunStatus.Cancelled, 2), row);
        Assert.Equal([BatchStatus.Completed, BatchStatus.Failed],
            (await connection.QueryAsync<(long Id, BatchStatus Status)>($"select 1, {SqlNames.Completed}::text union all select 2, {SqlNames.Failed}::text order by 1")).Select(r => r.Status));
    }
}
