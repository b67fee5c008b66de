using System.Data;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using Runner.Core.Database;
using Runner.Core.Statistics;
using Runner.Core.Validation;

namespace Runner.Core.Batches;

/// <summary>
/// One arm's comparison with the baseline at a look, as stored in <c>looks.arms</c>. <see cref="Missing"/> and
/// <see cref="BaselineMissing"/> count the look's seeds without a value (failed runs) in the arm and the baseline;
/// <see cref="Alpha"/> is the α the comparison held at this look (α/m, more once recycled; absent in looks stored before recycling).
/// </summary>
public sealed record ArmLookRecord(
    string Arm, int N, int Missing, int BaselineMissing, double Fraction, double Z, double NominalP, double? Difference, double? StandardError, double? Df, double? P,
    double? CiLow, double? CiHigh, string Decision, double? Alpha = null);

/// <summary>A look as stored: when it was taken, the seeds per arm it waited for, and each compared arm.</summary>
public sealed record LookRecord(int Look, int Seeds, DateTime TakenAt, IReadOnlyList<ArmLookRecord> Arms);

/// <summary>
/// Takes the looks of a sequential batch as their runs finish. Called in the transaction that stores a
/// run's result (the batch row is locked, so looks are taken once and in order): when every arm still
/// running and the baseline have finished their runs of the seeds a look waits for (a failed run counts as
/// missing), each such arm is tested against the baseline and held to the boundary for the information
/// fractions it actually had; an arm whose repeated interval excludes 0 (or lies within the margin) is
/// decided and its queued runs are cancelled with the reason, its running ones finish and are kept. Without a
/// margin, the α of an arm shown different passes to the arms still open, which are tested again at the same
/// look against their lowered boundaries (see <see cref="SequentialDesign"/>). The baseline stops when every other arm is decided; at the last look every undecided arm is decided. The
/// test is the batch's unpaired t-test, or the paired one on shared seeds when the design asks for it.
/// </summary>
public static class SequentialLooks
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string DesignJson(SequentialDesign design) => new JsonObject
    {
        ["looks"] = new JsonArray(design.Looks.Select(n => (JsonNode?)n).ToArray()),
        ["spending"] = JsonNames.Of(design.Spending),
        ["margin"] = design.Margin,
        ["paired"] = design.Paired,
    }.ToJsonString();

    public static SequentialDesign Design(string json, double level, int comparisons)
    {
        var node = JsonNode.Parse(json)!;
        return new SequentialDesign(node["looks"]!.AsArray().Select(n => n!.GetValue<int>()).ToList(),
            JsonNames.Parse<Spending>(node["spending"]!.GetValue<string>()), 1 - level, comparisons, node["margin"]?.GetValue<double>(),
            node["paired"]?.GetValue<bool>() ?? false);
    }

    public static IReadOnlyList<ArmLookRecord> ReadArms(string json) => JsonSerializer.Deserialize<List<ArmLookRecord>>(json, Json)!;

    /// <summary>Takes every look that is due now; returns how many were taken.</summary>
    public static async Task<int> TakeDueAsync(NpgsqlConnection connection, IDbTransaction tx, long batchId, CancellationToken ct)
    {
        var batch = await connection.QuerySingleAsync<(string? Sequential, long[] Seeds, string Metric, double Level, string Test, BatchStatus Status)>(new CommandDefinition(
            "select sequential::text, seeds, metric, level, test, status from batches where id = @batchId", new { batchId }, tx, cancellationToken: ct));
        if (batch.Sequential is null || !batch.Status.IsActive())
            return 0;
        var arms = (await connection.QueryAsync<(long Id, string Name, bool IsBaseline, string? Decision)>(new CommandDefinition(
            "select id, name, is_baseline, decision from arms where batch_id = @batchId order by position", new { batchId }, tx, cancellationToken: ct))).ToList();
        var design = Design(batch.Sequential, batch.Level, arms.Count - 1);
        var metric = Metric.Find(batch.Metric)!;
        var test = JsonNames.Parse<UnpairedTest>(batch.Test);
        var runs = (await connection.QueryAsync<(long ArmId, long Seed, RunStatus Status, double? Value)>(new CommandDefinition(
            $"select arm_id, seed, status, {metric.Column} from runs where batch_id = @batchId", new { batchId }, tx, cancellationToken: ct))).ToList();
        var history = (await connection.QueryAsync<string>(new CommandDefinition(
            "select arms::text from looks where batch_id = @batchId order by look", new { batchId }, tx, cancellationToken: ct)))
            .Select(ReadArms).ToList();

        var taken = 0;
        var decided = arms.Where(a => a.Decision is not null).Select(a => a.Name).ToHashSet();
        var baseline = arms.Single(a => a.IsBaseline);
        var shown = arms.Count(a => a.Decision is "better" or "worse");
        for (var k = history.Count; k < design.Looks.Count; k++)
        {
            var seeds = batch.Seeds.Take(design.Looks[k]).ToHashSet();
            var active = arms.Where(a => !a.IsBaseline && !decided.Contains(a.Name)).ToList();
            if (active.Count == 0)
                break;
            var participants = active.Select(a => a.Id).Append(baseline.Id).ToHashSet();
            if (runs.Any(r => participants.Contains(r.ArmId) && seeds.Contains(r.Seed) && r.Status is RunStatus.Queued or RunStatus.Running))
                break;

            List<(long Seed, double Value)> Values(long armId) =>
                runs.Where(r => r.ArmId == armId && seeds.Contains(r.Seed) && r.Status == RunStatus.Succeeded && r.Value is { } v && double.IsFinite(v)).Select(r => (r.Seed, r.Value!.Value)).ToList();
            var baselineValues = Values(baseline.Id);
            var lastLook = k == design.Looks.Count - 1;
            var tests = active.Select(arm =>
            {
                var values = Values(arm.Id);
                var comparison = design.Paired
                    ? PairedTest.RunMatched(values, baselineValues, 1 - design.ComparisonAlpha(shown))
                      ?? Comparison.NotPossible(PairedTest.Name, 0, 0, null, "fewer than two seeds with a value in both arms")
                    : TwoSampleTest.Run(values.Select(v => v.Value).ToList(), baselineValues.Select(v => v.Value).ToList(), test, 1 - design.ComparisonAlpha(shown));
                var n = design.Paired ? comparison.NA : Math.Min(values.Count, baselineValues.Count);
                var fractions = history.Select(h => h.FirstOrDefault(r => r.Arm == arm.Name)?.Fraction).OfType<double>().ToList();
                // Fractions must increase; a look that gained no values (failed runs) is held to a hair more information.
                var fraction = Math.Max((double)n / design.MaxSeeds, (fractions.Count > 0 ? fractions[^1] : 0) + 1e-6);
                fractions.Add(Math.Min(1, fraction));
                return (arm.Name, Comparison: comparison, N: n, Missing: seeds.Count - values.Count, Fractions: fractions);
            }).ToList();
            (var looks, shown) = design.TakeLook(tests.Select(t => (t.Name, t.Comparison)).ToList(), (i, held) => design.Boundary(tests[i].Fractions, held),
                shown, lastLook, metric.Goal);
            var results = tests.Zip(looks, (t, l) => new ArmLookRecord(t.Name, t.N, t.Missing, seeds.Count - baselineValues.Count, l.Look.Fraction, l.Look.Z,
                l.Look.NominalP, l.Look.Test.Difference, l.Look.Test.StandardError, l.Look.Test.Df, l.Look.Test.PTwoSided, l.Look.CiLow, l.Look.CiHigh,
                Name(l.Look.Decision), l.Alpha)).ToList();

            var lookNumber = k + 1;
            await connection.ExecuteAsync(new CommandDefinition(
                "insert into looks (batch_id, look, seeds, arms) values (@batchId, @lookNumber, @seeds, @arms::jsonb)",
                new { batchId, lookNumber, seeds = design.Looks[k], arms = JsonSerializer.Serialize(results, Json) }, tx, cancellationToken: ct));
            foreach (var result in results.Where(r => r.Decision != Name(SequentialDecision.Continue)))
            {
                decided.Add(result.Arm);
                await Stop(connection, tx, batchId, result.Arm, lookNumber, result.Decision, $"stopped at look {lookNumber}: {result.Decision}", ct);
            }
            if (arms.All(a => a.IsBaseline || decided.Contains(a.Name)))
                await Stop(connection, tx, batchId, baseline.Name, lookNumber, null, $"stopped at look {lookNumber}: every arm is decided", ct);
            taken++;
        }
        return taken;
    }

    private static async Task Stop(NpgsqlConnection connection, IDbTransaction tx, long batchId, string arm, int look, string? decision, string reason, CancellationToken ct)
    {
        if (decision is not null)
            await connection.ExecuteAsync(new CommandDefinition(
                "update arms set decision = @decision, decided_at_look = @look where batch_id = @batchId and name = @arm",
                new { batchId, arm, decision, look }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition($"""
            update runs r set status = {SqlNames.Cancelled}, finished_at = now(), stop_reason = @reason
            from arms a where a.id = r.arm_id and r.batch_id = @batchId and a.name = @arm and r.status = {SqlNames.Queued}
            """, new { batchId, arm, reason }, tx, cancellationToken: ct));
    }

    public static string Name(SequentialDecision decision) => JsonNames.Of(decision);
}
