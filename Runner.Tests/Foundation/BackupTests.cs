using System.Diagnostics;
using Npgsql;
using Runner.Core.Batches;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Foundation;

/// <summary>
/// scripts/backup.sh and scripts/restore.sh: a dump taken while the service runs restores into a fresh cluster
/// with the same batches, runs, epochs, looks and Hangfire jobs, and the restored service answers the same.
/// </summary>
public sealed class BackupTests : ApiTestBase
{
    private static readonly string Spec = TinySpec.Of("backed up", seeds: 6, queue: "gpu",
        more: """ "arms": [{"name": "harmful", "overrides": {"learningRate": {"knots": [0, 1], "values": [0, 0]}}}], "sequential": {"looks": 2} """);

    private static readonly string[] Tables = ["batches", "arms", "runs", "epochs", "looks", "schemaversions", "hangfire.job", "hangfire.state", "hangfire.jobqueue"];

    [Fact]
    public async Task A_backup_taken_while_the_service_runs_restores_into_a_fresh_cluster_with_the_same_rows_and_analysis()
    {
        var id = await SubmitBatchAsync(Spec);
        await FinishAsync(id, [0, 1, 2]);
        using var folder = new TempFolder();
        var dump = Path.Combine(folder.Path, "runner.dump");

        var backup = await ScriptAsync("backup.sh", [dump], Db.ConnectionString);
        Assert.True(backup.ExitCode == 0, backup.Output);
        Assert.False(File.Exists(dump + ".partial"));

        await using var cluster = await PrivateCluster.StartAsync();
        var restore = await ScriptAsync("restore.sh", [dump], cluster.ConnectionString);
        Assert.True(restore.ExitCode == 0, restore.Output);
        await AssertSameRowsAsync(cluster.ConnectionString);
        Assert.Equal(1L, await CountAsync(cluster.ConnectionString, "select count(*) from looks"));

        // A second restore over it is refused in one sentence; with --replace it gives the same rows again.
        var again = await ScriptAsync("restore.sh", [dump], cluster.ConnectionString);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already holds", again.Output);
        var replaced = await ScriptAsync("restore.sh", ["--replace", dump], cluster.ConnectionString);
        Assert.True(replaced.ExitCode == 0, replaced.Output);
        await AssertSameRowsAsync(cluster.ConnectionString);

        await using var restoredApi = new ApiFactory(cluster.ConnectionString);
        using var restoredClient = restoredApi.CreateClientWithKey();
        foreach (var path in new[] { $"/batches/{id}/analysis", $"/batches/{id}/runs", $"/batches/{id}/epochs" })
            Assert.Equal(await Client.GetStringAsync(path), await restoredClient.GetStringAsync(path));
    }

    [Fact]
    public async Task Bad_arguments_are_one_sentence_and_a_non_zero_exit()
    {
        using var folder = new TempFolder();
        var notADump = Path.Combine(folder.Path, "notes.txt");
        await File.WriteAllTextAsync(notADump, "not a dump");

        var cases = new (string Script, string[] Args, string? ConnectionString, string Expected)[]
        {
            ("backup.sh", [], Db.ConnectionString, "Usage: scripts/backup.sh FILE"),
            ("backup.sh", [Path.Combine(folder.Path, "x.dump")], null, "Set ConnectionStrings__Runner"),
            ("restore.sh", [Path.Combine(folder.Path, "missing.dump")], Db.ConnectionString, "There is no dump at"),
            ("restore.sh", [notADump], Db.ConnectionString, "is not a dump of scripts/backup.sh"),
        };
        foreach (var (script, args, connectionString, expected) in cases)
        {
            var result = await ScriptAsync(script, args, connectionString);
            Assert.Equal(2, result.ExitCode);
            Assert.Contains(expected, result.Output);
        }

        // A backup that cannot reach its database leaves no file behind.
        var unreachable = new NpgsqlConnectionStringBuilder(Db.ConnectionString) { Port = FreePort.Next() }.ConnectionString;
        var failed = await ScriptAsync("backup.sh", [Path.Combine(folder.Path, "y.dump")], unreachable);
        Assert.Equal(1, failed.ExitCode);
        Assert.Empty(Directory.GetFiles(folder.Path, "y.dump*"));
    }

    /// <summary>Runs of seeds <paramref name="seeds"/> finished with an epoch each, as a worker stores them, and the look that is then due.</summary>
    private async Task FinishAsync(long batchId, long[] seeds)
    {
        await using var connection = new NpgsqlConnection(Db.ConnectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var finish = new NpgsqlCommand("""
            with done as (
                update runs r set status = 'succeeded', attempt = 1, started_at = now(), finished_at = now(),
                    test_accuracy = case a.name when 'harmful' then 0.1 else 0.4 end + 0.002 * sin(r.seed * 7 + length(a.name))
                from arms a where a.id = r.arm_id and r.batch_id = @batchId and r.seed = any(@seeds)
                returning r.id, r.test_accuracy)
            insert into epochs (run_id, epoch, attempt, train_loss, train_accuracy, test_accuracy, learning_rate, epoch_seconds, training_seconds)
            select id, 1, 1, 2.0, 0.3, test_accuracy, 0.1, 1.5, 1.5 from done
            """, connection, tx))
        {
            finish.Parameters.AddWithValue("batchId", batchId);
            finish.Parameters.AddWithValue("seeds", seeds);
            await finish.ExecuteNonQueryAsync();
        }
        await SequentialLooks.TakeDueAsync(connection, tx, batchId, default);
        await tx.CommitAsync();
    }

    private async Task AssertSameRowsAsync(string restored)
    {
        foreach (var table in Tables)
        {
            var fingerprint = $"select coalesce(md5(string_agg(t::text, '|' order by t::text)), 'empty') from {table} t";
            Assert.Equal(await Db.ScalarAsync<string>(fingerprint), await ScalarAsync(restored, fingerprint));
        }
    }

    private static async Task<long> CountAsync(string connectionString, string sql) => long.Parse(await ScalarAsync(connectionString, sql));

    private static async Task<string> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())!.ToString()!;
    }

    private static async Task<(int ExitCode, string Output)> ScriptAsync(string script, string[] args, string? connectionString)
    {
        var info = new ProcessStartInfo("bash") { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine("scripts", script));
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment.Remove("ConnectionStrings__Runner");
        if (connectionString is not null)
            info.Environment["ConnectionStrings__Runner"] = connectionString;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await errors);
    }
}
