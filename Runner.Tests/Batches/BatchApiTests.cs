using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Runner.Core.Batches;
using Runner.Core.Queueing;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Batches;

/// <summary>Submission, validation, idempotency, concurrency, queries and cancellation of queued batches: the API on a real database and real Hangfire storage, no worker.</summary>
public sealed class BatchApiTests() : ApiTestBase(new Dictionary<string, string> { ["Batches:MaxRuns"] = "40" })
{
    private static readonly string Tiny = TinySpec.Of("tiny", seeds: 3, images: 300, trainSubset: 256, more: TinySpec.LeaveOneOutEma);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Named(string name) => Tiny.Replace("\"tiny\"", $"\"{name}\"");

    private async Task<JsonNode> Submit(string json, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/batches") { Content = Json(json) };
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await Client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private async Task<long> Count(string table) => await Db.ScalarAsync<long>($"select count(*) from {table}");

    [Fact]
    public async Task The_pages_live_script_gets_the_progress_sentence_the_page_shows()
    {
        var id = (await Submit(Named("progress")))["batch"]!["id"]!.GetValue<long>();

        using var response = await Client.GetAsync($"/ui/batches/{id}/progress");
        var sentence = await response.Content.ReadAsStringAsync();
        var page = await Client.GetStringAsync($"/ui/batches/{id}");

        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.StartsWith("0 of 6 runs finished: 0 done, 0 running, 6 queued, 0 failed, 0 cancelled", sentence);
        Assert.Contains($"<p id=\"progress-text\">{System.Net.WebUtility.HtmlEncode(sentence)}</p>", page);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/ui/batches/999999/progress")).StatusCode);
    }

    [Fact]
    public async Task A_batch_is_stored_with_its_arms_and_runs_and_one_job_per_run_in_interleaved_order()
    {
        using var response = await Client.PostAsync("/batches", Json(Tiny));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var id = body["batch"]!["id"]!.GetValue<long>();
        Assert.Equal($"/batches/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal("queued", body["batch"]!["status"]!.GetValue<string>());
        Assert.Equal(6, body["batch"]!["runs"]!["queued"]!.GetValue<int>());
        Assert.Equal(["base", "no-ema"], body["arms"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()));

        var runs = (await Client.GetFromJsonAsync<JsonArray>($"/batches/{id}/runs"))!;
        Assert.Equal(["base/0", "no-ema/0", "base/1", "no-ema/1", "base/2", "no-ema/2"],
            runs.Select(r => $"{r!["arm"]}/{r["seed"]}"));
        var jobIds = runs.Select(r => long.Parse(r!["jobId"]!.GetValue<string>())).ToList();
        Assert.Equal(jobIds.Order(), jobIds); // enqueued in run order
        Assert.Equal(6, await Db.ScalarAsync<long>("select count(*) from hangfire.jobqueue where queue = 'cpu-2-normal'"));
        Assert.Equal(6, await Db.ScalarAsync<long>("select count(*) from hangfire.job where statename = 'Enqueued'"));

        var recipe = await Db.ScalarAsync<string>($"select recipe from runs where batch_id = {id} and position = 0");
        var hash = await Db.ScalarAsync<string>($"select recipe_hash from runs where batch_id = {id} and position = 0");
        Assert.Equal(hash, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(recipe!))));
    }

    public static TheoryData<string, string> BadSpecifications => new()
    {
        { """{"base": {"preset": "tta"}, "seeds": 2, "queue": "cpu"}""", "name" },
        { """{"name": "x", "base": {"preset": "tta", "on": ["warp-drive"]}, "seeds": 2}""", "base.on[0]" },
        { """{"name": "x", "base": {"preset": "tta"}, "arms": [{"name": "a", "overrides": {"epochs": 0}}], "seeds": 2}""", "arms[0].epochs" },
        { """{"name": "x", "base": {"preset": "tta"}, "arms": [{"name": "a"}, {"name": "a"}], "seeds": 2}""", "arms[1].name" },
        { """{"name": "x", "base": {"preset": "tta"}, "leaveOneOut": ["ema", "tta"], "seeds": 14}""", "seeds" },
        { """{"name": "x", "base": {"preset": "tta"}, "seeds": 2, "unknown": true}""", "unknown" },
        { """{"name": "x", "base": {"preset": "tta"}, "seeds": 2, "priority": "asap"}""", "priority" },
        { """{"name": "x", "base": {"preset": "tta"}, "seeds": [3, 3]}""", "seeds" },
        { """not json""", "body" },
    };

    [Theory]
    [MemberData(nameof(BadSpecifications))]
    public async Task A_bad_specification_is_a_400_naming_the_field_and_nothing_is_stored(string json, string field)
    {
        using var response = await Client.PostAsync("/batches", Json(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), $"expected '{field}' in {errors.ToJsonString()}");
        Assert.Equal((0L, 0L, 0L, 0L), (await Count("batches"), await Count("arms"), await Count("runs"), await Count("hangfire.job")));
    }

    [Fact]
    public async Task A_retried_submission_with_the_same_idempotency_key_returns_the_same_batch()
    {
        var first = await Submit(Tiny, "key-1");
        using var retry = new HttpRequestMessage(HttpMethod.Post, "/batches") { Content = Json(Tiny) };
        retry.Headers.Add("Idempotency-Key", "key-1");
        using var again = await Client.SendAsync(retry);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var second = JsonNode.Parse(await again.Content.ReadAsStringAsync())!;
        Assert.Equal(first["batch"]!["id"]!.GetValue<long>(), second["batch"]!["id"]!.GetValue<long>());
        Assert.Equal((1L, 6L, 6L), (await Count("batches"), await Count("runs"), await Count("hangfire.job")));

        using var other = new HttpRequestMessage(HttpMethod.Post, "/batches") { Content = Json(Named("other")) };
        other.Headers.Add("Idempotency-Key", "key-1");
        using var conflict = await Client.SendAsync(other);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal(1L, await Count("batches"));
    }

    [Fact]
    public async Task Simultaneous_submissions_are_all_stored_and_enqueued_exactly_once()
    {
        const int submissions = 12;
        var responses = await Task.WhenAll(Enumerable.Range(0, submissions).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/batches") { Content = Json(Named($"parallel-{i % 6}")) };
            request.Headers.Add("Idempotency-Key", $"parallel-{i % 6}"); // every key sent twice at once
            using var response = await Client.SendAsync(request);
            return (response.StatusCode, Body: JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
        }));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, r.Body.ToJsonString()));
        Assert.Equal(6, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(6, responses.Select(r => r.Body["batch"]!["id"]!.GetValue<long>()).Distinct().Count());
        Assert.Equal((6L, 36L, 36L), (await Count("batches"), await Count("runs"), await Count("hangfire.job")));
        Assert.Equal(0L, await Db.ScalarAsync<long>("select count(*) from runs where job_id is null"));
        Assert.Equal(36L, await Db.ScalarAsync<long>("select count(distinct job_id) from runs"));
    }

    [Fact]
    public async Task Batches_are_listed_newest_first_paged_and_filtered()
    {
        for (var i = 0; i < 5; i++)
            await Submit(Named(i % 2 == 0 ? $"even-{i}" : $"odd-{i}"));
        var cancelled = await Submit(Named("odd-cancelled"));
        (await Client.DeleteAsync($"/batches/{cancelled["batch"]!["id"]}")).EnsureSuccessStatusCode();

        var page = (await Client.GetFromJsonAsync<JsonNode>("/batches?limit=2&offset=1"))!;
        Assert.Equal(6, page["total"]!.GetValue<int>());
        Assert.Equal(["even-4", "odd-3"], page["items"]!.AsArray().Select(b => b!["name"]!.GetValue<string>()));

        var odd = (await Client.GetFromJsonAsync<JsonNode>("/batches?name=ODD&status=queued"))!;
        Assert.Equal(["odd-3", "odd-1"], odd["items"]!.AsArray().Select(b => b!["name"]!.GetValue<string>()));
        var gone = (await Client.GetFromJsonAsync<JsonNode>("/batches?status=cancelled"))!;
        Assert.Equal(["odd-cancelled"], gone["items"]!.AsArray().Select(b => b!["name"]!.GetValue<string>()));

        using var bad = await Client.GetAsync("/batches?status=sleeping&limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("status") && errors.ContainsKey("limit"));
    }

    [Fact]
    public async Task Cancelling_a_queued_batch_cancels_its_runs_and_deletes_their_jobs()
    {
        var id = (await Submit(Tiny))["batch"]!["id"]!.GetValue<long>();

        using var response = await Client.PostAsync($"/batches/{id}/cancel", null);

        response.EnsureSuccessStatusCode();
        var batch = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["batch"]!;
        Assert.Equal(("cancelled", 6), (batch["status"]!.GetValue<string>(), batch["runs"]!["cancelled"]!.GetValue<int>()));
        Assert.Equal(6L, await Db.ScalarAsync<long>("select count(*) from hangfire.job where statename = 'Deleted'"));
        using var twice = await Client.DeleteAsync($"/batches/{id}");
        Assert.Equal(HttpStatusCode.OK, twice.StatusCode);
        using var missing = await Client.DeleteAsync("/batches/999999");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Runs_are_filtered_and_exported_as_tidy_csv()
    {
        var id = (await Submit(Tiny))["batch"]!["id"]!.GetValue<long>();

        var noEma = (await Client.GetFromJsonAsync<JsonArray>($"/batches/{id}/runs?arm=no-ema"))!;
        Assert.Equal(3, noEma.Count);
        var csv = await Client.GetStringAsync($"/batches/{id}/runs?format=csv");
        var lines = csv.TrimEnd('\n').Split('\n');
        Assert.Equal(7, lines.Length);
        var header = lines[0].Split(',');
        Assert.Equal(["batch_id", "batch", "run_id", "arm"], header[..4]);
        Assert.All(lines, l => Assert.Equal(header.Length, l.Split(',').Length));
        Assert.Equal("no-ema", lines[2].Split(',')[Array.IndexOf(header, "arm")]);
        Assert.Equal("", lines[2].Split(',')[Array.IndexOf(header, "test_accuracy")]);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/batches/{id}/runs");
        request.Headers.Accept.ParseAdd("text/csv");
        using var response = await Client.SendAsync(request);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task The_analysis_of_a_batch_without_finished_runs_says_so()
    {
        var id = (await Submit(Tiny))["batch"]!["id"]!.GetValue<long>();

        var analysis = (await Client.GetFromJsonAsync<JsonNode>($"/batches/{id}/analysis"))!;

        Assert.Equal((0, 6), (analysis["runsUsed"]!.GetValue<int>(), analysis["runsTotal"]!.GetValue<int>()));
        Assert.Contains("interim", analysis["basedOn"]!.GetValue<string>());
        using var bad = await Client.GetAsync($"/batches/{id}/analysis?metric=vibes&correction=magic");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var missing = await Client.GetAsync("/batches/999999/analysis");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Runs_stored_without_a_job_are_enqueued_by_the_repair_once()
    {
        var id = (await Submit(Tiny))["batch"]!["id"]!.GetValue<long>();
        await Db.ExecuteAsync($"delete from hangfire.jobqueue; delete from hangfire.job; update runs set job_id = null, queued_at = now() - interval '2 minutes' where batch_id = {id} and position < 4");
        var store = Api.Services.GetRequiredService<BatchStore>();

        var repaired = await store.RepairMissingJobsAsync(TimeSpan.FromMinutes(1), default);
        var again = await store.RepairMissingJobsAsync(TimeSpan.FromMinutes(1), default);

        Assert.Equal((4, 0), (repaired, again));
        Assert.Equal(4L, await Db.ScalarAsync<long>("select count(*) from hangfire.jobqueue where queue = 'cpu-2-normal'"));
        Assert.Equal(0L, await Db.ScalarAsync<long>($"select count(*) from runs where batch_id = {id} and job_id is null"));
    }

    [Fact]
    public async Task A_queued_run_whose_job_was_deleted_in_the_dashboard_gets_a_new_job()
    {
        var id = (await Submit(Tiny))["batch"]!["id"]!.GetValue<long>();
        var deleted = (await Db.ScalarAsync<string>($"select job_id from runs where batch_id = {id} and position = 0"))!;
        Assert.True(Api.Services.GetRequiredService<IBackgroundJobClient>().Delete(deleted));
        await Db.ExecuteAsync($"update runs set queued_at = now() - interval '2 minutes' where batch_id = {id}");
        var store = Api.Services.GetRequiredService<BatchStore>();

        var repaired = await store.RepairMissingJobsAsync(TimeSpan.FromMinutes(1), default);

        Assert.Equal(1, repaired);
        var replacement = (await Db.ScalarAsync<string>($"select job_id from runs where batch_id = {id} and position = 0"))!;
        Assert.NotEqual(deleted, replacement);
        Assert.Equal("Enqueued", await Db.ScalarAsync<string>($"select statename from hangfire.job where id = {replacement}"));
        Assert.Equal("queued", await Db.ScalarAsync<string>($"select status from runs where batch_id = {id} and position = 0"));
    }

    [Fact]
    public async Task Submitting_and_cancelling_need_the_api_key_from_outside_this_machine()
    {
        using var anonymous = Api.CreateClient();

        using var submit = await anonymous.PostAsync("/batches", Json(Tiny));
        Assert.Equal(HttpStatusCode.Unauthorized, submit.StatusCode);
        using var cancel = await anonymous.DeleteAsync("/batches/1");
        Assert.Equal(HttpStatusCode.Unauthorized, cancel.StatusCode);
        using var list = await anonymous.GetAsync("/batches");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(0L, await Count("batches"));
    }

    [Fact]
    public async Task A_batch_keeps_its_equivalence_margin_and_a_query_can_change_it()
    {
        var id = (await Submit(Tiny.Replace("\"seeds\": 3", "\"seeds\": 3, \"analysis\": {\"margin\": 0.001}")))["batch"]!["id"]!.GetValue<long>();

        var analysis = (await Client.GetFromJsonAsync<JsonNode>($"/batches/{id}/analysis"))!;
        Assert.Equal(0.001, analysis["analysis"]!["margin"]!.GetValue<double>());
        var changed = (await Client.GetFromJsonAsync<JsonNode>($"/batches/{id}/analysis?margin=0.002"))!;
        Assert.Equal(0.002, changed["analysis"]!["margin"]!.GetValue<double>());
        var otherMetric = (await Client.GetFromJsonAsync<JsonNode>($"/batches/{id}/analysis?metric=training-seconds"))!;
        Assert.Null(otherMetric["analysis"]!["margin"]); // a margin is in the batch metric's units

        using var bad = await Client.GetAsync($"/batches/{id}/analysis?margin=-1");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var refused = await Client.PostAsync("/batches", Json(Named("negative").Replace("\"seeds\": 3", "\"seeds\": 3, \"analysis\": {\"margin\": -0.1}")));
        Assert.Contains("analysis.margin", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_queued_batch_says_how_many_runs_of_other_batches_go_first()
    {
        var first = (await Submit(Named("first")))["batch"]!["id"]!.GetValue<long>();
        var second = (await Submit(Named("second")))["batch"]!["id"]!.GetValue<long>();
        var urgent = (await Submit(Named("urgent").Replace("\"queue\": \"cpu\"", "\"queue\": \"cpu\", \"priority\": \"high\"")))["batch"]!["id"]!.GetValue<long>();
        var elsewhere = (await Submit(Named("elsewhere").Replace("\"queue\": \"cpu\"", "\"queue\": \"gpu\"")))["batch"]!["id"]!.GetValue<long>();

        async Task<int?> Ahead(long id) => (await Client.GetFromJsonAsync<JsonNode>($"/batches/{id}"))!["runsAhead"]?.GetValue<int>();

        Assert.Equal((6, 12, 0, 0), ((await Ahead(first))!.Value, (await Ahead(second))!.Value, (await Ahead(urgent))!.Value, (await Ahead(elsewhere))!.Value));
        var page = await Client.GetStringAsync($"/ui/batches/{second}");
        Assert.Contains("12 queued runs of other batches go first on the cpu workers", page);
    }
}
