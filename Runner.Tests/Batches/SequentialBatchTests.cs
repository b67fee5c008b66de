using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Runner.Core.Batches;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Batches;

/// <summary>Sequential batches: looks taken as runs finish, arms decided and their queued runs cancelled with the reason.</summary>
public sealed class SequentialBatchTests : ApiTestBase
{
    private const string Arms = """
        "arms": [{"name": "harmful", "overrides": {"learningRate": {"knots": [0, 1], "values": [0, 0]}}}, {"name": "same", "overrides": {"momentum": 0.89}}]
        """;

    private static readonly string Spec = TinySpec.Of("sequential", seeds: 6, more: Arms + ", \"sequential\": {\"looks\": 2}");

    private Task<long> Submit(string json) => SubmitBatchAsync(json);

    /// <summary>Finishes the runs of the given arms and seeds with accuracies around the given means, as a worker would, and takes the looks due.</summary>
    private async Task<int> Finish(long batchId, IEnumerable<long> seeds, params (string Arm, double Mean)[] arms)
    {
        await using var connection = new NpgsqlConnection(Db.ConnectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        foreach (var (arm, mean) in arms)
            foreach (var seed in seeds)
            {
                await using var update = new NpgsqlCommand("""
                    update runs r set status = 'succeeded', finished_at = now(), test_accuracy = @value
                    from arms a where a.id = r.arm_id and r.batch_id = @batchId and a.name = @arm and r.seed = @seed and r.status = 'queued'
                    """, connection, tx);
                update.Parameters.AddWithValue("value", mean + 0.002 * Math.Sin(seed * 7 + arm.Length));
                update.Parameters.AddWithValue("batchId", batchId);
                update.Parameters.AddWithValue("arm", arm);
                update.Parameters.AddWithValue("seed", seed);
                await update.ExecuteNonQueryAsync();
            }
        var taken = await SequentialLooks.TakeDueAsync(connection, tx, batchId, default);
        await tx.CommitAsync();
        return taken;
    }

    [Fact]
    public async Task Before_any_look_the_page_shows_the_planned_boundaries_of_every_look()
    {
        var id = await Submit(Spec.Replace("\"looks\": 2", "\"looks\": [2, 4, 6]"));

        var page = (await Client.GetStringAsync($"/ui/batches/{id}")).Replace("\n", " ");
        Assert.Contains("each comparison at α/2 = 0.025", page);
        var planned = Runner.Core.Statistics.GroupSequential.Boundaries([1 / 3.0, 2 / 3.0, 1], 0.025, Runner.Core.Statistics.Spending.OBrienFleming);
        for (var k = 0; k < 3; k++)
            Assert.Matches($"<table id=\"planned-looks\">.*<td class=\"num\">{k + 1}</td><td class=\"num\">{2 * (k + 1)}</td><td class=\"num\">{planned[k].Fraction.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}</td>\\s*"
                + $"<td class=\"num\">{planned[k].Z.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}</td>", page);
        Assert.True(planned[0].Z > planned[2].Z && planned[2].CumulativeAlpha > 0.0249);
    }

    [Fact]
    public async Task A_clearly_worse_arm_stops_at_the_first_look_and_only_its_queued_runs_are_cancelled()
    {
        var id = await Submit(Spec);

        // Look 1 waits for seeds 0–2 of every arm: not due while the baseline's are missing.
        Assert.Equal(0, await Finish(id, [0, 1, 2], ("harmful", 0.10), ("same", 0.40)));
        Assert.Equal(1, await Finish(id, [0, 1, 2], ("base", 0.40)));

        var detail = (await Client.GetFromJsonAsync<JsonNode>($"/batches/{id}"))!;
        var look = detail["sequential"]!["looks"]![0]!;
        Assert.Equal((1, 3), (look["look"]!.GetValue<int>(), look["seeds"]!.GetValue<int>()));
        var decisions = look["arms"]!.AsArray().ToDictionary(a => a!["arm"]!.GetValue<string>(), a => a!["decision"]!.GetValue<string>());
        Assert.Equal(("worse", "continue"), (decisions["harmful"], decisions["same"]));
        Assert.True(look["arms"]![0]!["nominalP"]!.GetValue<double>() < 0.025); // held to the boundary, not to α/2
        Assert.Equal(3, detail["sequential"]!["runsSaved"]!.GetValue<int>());
        var runs = (await Client.GetFromJsonAsync<JsonArray>($"/batches/{id}/runs"))!;
        var cancelled = runs.Where(r => r!["status"]!.GetValue<string>() == "cancelled").ToList();
        Assert.Equal(3, cancelled.Count);
        Assert.All(cancelled, r => Assert.Equal(("harmful", "stopped at look 1: worse"), (r!["arm"]!.GetValue<string>(), r["stopReason"]!.GetValue<string>())));
        Assert.Equal(6, runs.Count(r => r!["status"]!.GetValue<string>() == "queued")); // base and same go on
        Assert.Equal("worse", detail["arms"]!.AsArray().Single(a => a!["name"]!.GetValue<string>() == "harmful")!["decision"]!.GetValue<string>());
        var page = await Client.GetStringAsync($"/ui/batches/{id}");
        Assert.Contains("<table id=\"looks\">", page);
        Assert.Contains("<th class=\"num\">α held</th>", page);
        Assert.Matches("<td>harmful</td>.*?<td class=\"worse\">worse</td>", page.Replace("\n", " "));
        Assert.Contains("aria-label=\"boundary and each arm&#x27;s |t| by look\"", page);
        Assert.Contains("Stopping saved 3 of 18 runs", page);

        // The last look decides what is left, and the batch completes.
        Assert.Equal(1, await Finish(id, [3, 4, 5], ("base", 0.40), ("same", 0.40)));
        await using (var connection = new NpgsqlConnection(Db.ConnectionString))
        {
            await connection.OpenAsync();
            await using var tx = await connection.BeginTransactionAsync();
            await using var finish = new NpgsqlCommand($"update batches set status = 'completed' where id = {id}", connection, tx);
            await finish.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }
        var final = (await Client.GetFromJsonAsync<JsonNode>($"/batches/{id}"))!;
        Assert.Equal(2, final["sequential"]!["looks"]!.AsArray().Count);
        Assert.Equal("undecided", final["arms"]!.AsArray().Single(a => a!["name"]!.GetValue<string>() == "same")!["decision"]!.GetValue<string>());
    }

    [Fact]
    public async Task With_a_margin_an_arm_that_changes_nothing_is_declared_equivalent()
    {
        var id = await Submit(Spec.Replace("\"looks\": 2", "\"looks\": 2, \"margin\": 0.05"));
        await Finish(id, [0, 1, 2, 3, 4, 5], ("harmful", 0.10), ("same", 0.40), ("base", 0.40));

        var detail = (await Client.GetFromJsonAsync<JsonNode>($"/batches/{id}"))!;
        var decisions = detail["arms"]!.AsArray().Where(a => a!["decision"] is not null)
            .ToDictionary(a => a!["name"]!.GetValue<string>(), a => a!["decision"]!.GetValue<string>());
        Assert.Equal(("worse", "equivalent"), (decisions["harmful"], decisions["same"]));
    }

    [Fact]
    public async Task Without_a_margin_the_alpha_of_an_arm_shown_different_passes_to_the_arms_still_open()
    {
        var id = await Submit(Spec.Replace("\"looks\": 2", "\"looks\": [6]"));
        // "same" is 0.22 points above the baseline: Welch's p ≈ 0.038, beyond α/2 but within the α harmful passes on.
        await Finish(id, [0, 1, 2, 3, 4, 5], ("harmful", 0.10), ("same", 0.4022), ("base", 0.40));

        var arms = (await Client.GetFromJsonAsync<JsonNode>($"/batches/{id}"))!["sequential"]!["looks"]![0]!["arms"]!.AsArray()
            .ToDictionary(a => a!["arm"]!.GetValue<string>(), a => a!);
        Assert.Equal(("worse", 0.025), (arms["harmful"]["decision"]!.GetValue<string>(), Math.Round(arms["harmful"]["alpha"]!.GetValue<double>(), 9)));
        Assert.Equal(("better", 0.05), (arms["same"]["decision"]!.GetValue<string>(), Math.Round(arms["same"]["alpha"]!.GetValue<double>(), 9)));
        Assert.InRange(arms["same"]["p"]!.GetValue<double>(), 0.025, 0.05);
    }

    [Fact]
    public async Task A_paired_design_tests_each_look_on_the_seeds_both_arms_have()
    {
        var id = await Submit(Spec.Replace("\"looks\": 2", "\"looks\": 2, \"paired\": true"));
        await Finish(id, [0, 1, 2], ("harmful", 0.10), ("same", 0.40), ("base", 0.40));

        var look = (await Client.GetFromJsonAsync<JsonNode>($"/batches/{id}"))!["sequential"]!;
        Assert.True(look["design"]!["paired"]!.GetValue<bool>());
        var harmful = look["looks"]![0]!["arms"]![0]!;
        Assert.Equal((3, 2.0), (harmful["n"]!.GetValue<int>(), harmful["df"]!.GetValue<double>())); // n − 1 degrees of freedom: paired
        Assert.Equal("worse", harmful["decision"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_failed_run_counts_as_missing_and_does_not_hold_the_look_back()
    {
        var id = await Submit(Spec);
        await Finish(id, [0, 1, 2], ("harmful", 0.10), ("same", 0.40));
        await Db.ExecuteAsync($"update runs r set status = 'failed', finished_at = now() from arms a where a.id = r.arm_id and r.batch_id = {id} and a.name = 'base' and r.seed = 2");

        Assert.Equal(1, await Finish(id, [0, 1], ("base", 0.40)));

        var look = (await Client.GetFromJsonAsync<JsonNode>($"/batches/{id}"))!["sequential"]!["looks"]![0]!["arms"]![0]!;
        Assert.Equal((2, 0, 1), (look["n"]!.GetValue<int>(), look["missing"]!.GetValue<int>(), look["baselineMissing"]!.GetValue<int>()));
    }

    [Theory]
    [InlineData("\"looks\": 0", "sequential.looks")]
    [InlineData("\"looks\": 4", "sequential.looks")]
    [InlineData("\"looks\": [2, 2, 6]", "sequential.looks")]
    [InlineData("\"looks\": [2, 4]", "sequential.looks")]
    [InlineData("\"looks\": \"often\"", "sequential.looks")]
    [InlineData("\"looks\": 2, \"spending\": \"linear\"", "sequential.spending")]
    [InlineData("\"looks\": 2, \"margin\": -1", "sequential.margin")]
    public async Task A_bad_sequential_design_is_refused_naming_the_field(string design, string field)
    {
        using var response = await Client.PostAsync("/batches", new StringContent(Spec.Replace("\"looks\": 2", design), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task On_real_workers_a_harmful_arm_stops_at_the_first_look_and_the_others_run_on()
    {
        // Six epochs of 256 images in batches of 32 take the base and "same" to 0.6–1 (most seeds above 0.9), while the harmful arm stays at
        // chance: the first look decides it and nothing else. It looks at 6 seeds, not 4: at 4 the first look's boundary
        // (O'Brien-Fleming, p < 0.0008) let one base seed at about 0.6 hold the harmful arm back (an AVX-512 machine). The harmful
        // arm learns nothing at any length, so it trains one epoch: a sixth of the work of its runs.
        var spec = TinySpec.Of("sequential", seeds: 8, epochs: 6, images: 256, batchSize: 32,
                more: Arms.Replace("\"values\": [0, 0]}", "\"values\": [0, 0]}, \"epochs\": 1") + ", \"sequential\": {\"looks\": [6, 8]}")
            .Replace("\"preset\": \"tta\",", "\"preset\": \"tta\", \"off\": [\"ema\"],");
        await using var worker = ChildProcess.StartWorker(Db.ConnectionString);
        var id = await Submit(spec);

        // 16 six-epoch runs of about 2 seconds each and 6 of one epoch; more on a loaded machine.
        await Eventually.BatchFinished(Db, id, TimeSpan.FromMinutes(8), () => worker.AllOutput);

        var detail = (await Client.GetFromJsonAsync<JsonNode>($"/batches/{id}"))!;
        Assert.Equal("completed", detail["batch"]!["status"]!.GetValue<string>());
        var harmful = detail["arms"]!.AsArray().Single(a => a!["name"]!.GetValue<string>() == "harmful")!;
        Assert.True(harmful["decidedAtLook"]!.GetValue<int>() == 1, detail["sequential"]!.ToJsonString());
        Assert.Equal("worse", harmful["decision"]!.GetValue<string>());
        var runs = (await Client.GetFromJsonAsync<JsonArray>($"/batches/{id}/runs"))!;
        var stopped = runs.Where(r => r!["stopReason"] is not null).ToList();
        Assert.Equal(2, stopped.Count);
        Assert.All(stopped, r => Assert.Equal(("harmful", "cancelled", "stopped at look 1: worse"),
            (r!["arm"]!.GetValue<string>(), r["status"]!.GetValue<string>(), r["stopReason"]!.GetValue<string>())));
        Assert.Equal(6, runs.Count(r => r!["arm"]!.GetValue<string>() == "harmful" && r["status"]!.GetValue<string>() == "succeeded"));
        Assert.Equal(16, runs.Count(r => r!["arm"]!.GetValue<string>() != "harmful" && r["status"]!.GetValue<string>() == "succeeded"));
        Assert.Equal(2, detail["sequential"]!["looks"]!.AsArray().Count);
        Assert.True(detail["sequential"]!["deviceSecondsSaved"]!.GetValue<double>() > 0);

        var page = await Client.GetStringAsync($"/ui/batches/{id}");
        Assert.Contains("Looks", page);
        Assert.Contains("stopped at look 1: worse", page);
    }
}
