using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Runner.Tests.Infrastructure;
using Xunit.Abstractions;
using static Runner.Tests.Hardening.HardeningClient;

namespace Runner.Tests.Hardening;

/// <summary>
/// A seeded generator of malformed and hostile requests against every endpoint of the real API on a
/// real database: no answer is a 5xx, every 4xx is problem+json, and no table gains or loses a row.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Requests = 1500;

    private static readonly string[] CountedTables = ["batches", "arms", "runs", "epochs", "probes", "workers", "hangfire.job", "hangfire.jobqueue"];

    private static readonly string[] QueryValues =
    [
        "", "abc", "-1", "0", "1", "2147483648", "-2147483649", "99999999999999999999", "NaN", "Infinity", "-Infinity", "1e999", "0.95",
        "0.9999999999999999", "%00", "%ud800", "%ED%A0%80", "%FF%FE", "'; drop table runs; --", "<script>alert(1)</script>", "..%2f..%2f",
        "cpu", "queued", "holm", "all-pairs", "welch", "json", "csv", "test-accuracy", new string('z', 3000), "\u202e\u0000", "%E2%80%AE",
    ];

    // Values that no field of a batch accepts where they are put (the poison), or that tried to break it once.
    private static readonly JsonNode?[] HostileValues =
    [
        null, "", "\ud800", "a\u0000b", "\u001b[2J", new string('x', 5000), -1, 0, 1e308, -1e308, 2147483648L, long.MaxValue, 0.5, true,
        new JsonArray(), new JsonArray((JsonNode?)null), new JsonArray(1, "two", null), new JsonObject(), new JsonObject { ["knots"] = new JsonArray() },
        new JsonObject { ["__proto__"] = 1 }, "synthetic:-5", "../../../etc/passwd", "tta", "ema", "ghost-bn",
    ];

    private static readonly string[] Tricks = ["ema", "tta", "cutout", "whitening", "nonsense", "", "EMA"];

    /// <summary>A body of every top-level JSON kind, the object among them.</summary>
    private static readonly string[] TopLevel = ["null", "true", "false", "0", "-1.5e308", "\"text\"", "[]", "[null]", "[{}]", "{}"];

    /// <summary>Numbers at the edges of double and int: 2³¹, 2⁵³, the largest and smallest doubles, values one ulp apart.</summary>
    private static readonly JsonNode?[] EdgeNumbers =
    [
        2147483647, 2147483648L, -2147483649L, 9007199254740992L, 9007199254740993L, 1e308, -1e308, double.MaxValue, double.Epsilon, -double.Epsilon,
        1e-300, 0, -0.0, 0.5, 0.9999999999999999, 1, 1.0000000000000002, 2, 2.0000000000000004, 0.0015, 1e12, 1e13,
    ];

    private TestDatabase _db = null!;
    private ApiFactory _api = null!;
    private long _batchId;
    private long _factorialId;
    private long _runId;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateMigratedAsync();
        _api = new ApiFactory(_db.ConnectionString, new Dictionary<string, string> { ["Batches:MaxRuns"] = "50" });
        using var client = _api.CreateClientWithKey();
        var created = await PostAsync(client, "/batches", TinyBatch);
        _batchId = created.Json!["batch"]!["id"]!.GetValue<long>();
        _runId = (await _db.ScalarAsync<long>($"select min(id) from runs where batch_id = {_batchId}"));
        var factorial = JsonNode.Parse(TinyBatch)!.AsObject();
        factorial.Remove("leaveOneOut");
        factorial["factorial"] = JsonNode.Parse("""{"factors": [{"trick": "ema"}, {"trick": "tta"}], "design": "full"}""");
        _factorialId = (await PostAsync(client, "/batches", factorial.ToJsonString())).Json!["batch"]!["id"]!.GetValue<long>();
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task<Dictionary<string, long>> Counts()
    {
        var counts = new Dictionary<string, long>();
        foreach (var table in CountedTables)
            counts[table] = await _db.ScalarAsync<long>($"select count(*) from {table}");
        return counts;
    }

    [Fact]
    public async Task A_thousand_hostile_requests_get_no_5xx_only_problems_and_change_no_table()
    {
        var before = await Counts();
        var random = new Random(20261126);
        using var keyed = _api.CreateClientWithKey();
        await using var local = new ApiFactory(_db.ConnectionString, new Dictionary<string, string> { ["Batches:MaxRuns"] = "50" }, fromLoopback: true);
        using var loopback = local.CreateClient();
        using var remote = _api.CreateClient();
        var clients = new[] { keyed, loopback, remote };
        var statuses = new Dictionary<int, int>();
        var failures = new List<string>();

        for (var i = 0; i < Requests; i++)
        {
            var (method, path, body, contentType, headers) = Generate(random);
            Answer answer;
            try
            {
                answer = await SendAsync(clients[random.Next(clients.Length)], method, path, body, contentType, headers);
            }
            catch (Exception e) when (e is InvalidOperationException or UriFormatException)
            {
                continue; // the client refused to send it (not an HTTP request at all)
            }
            statuses[(int)answer.Status] = statuses.GetValueOrDefault((int)answer.Status) + 1;
            var code = (int)answer.Status;
            if (code >= 500 || (code >= 400 && answer.MediaType != "application/problem+json"))
                failures.Add($"{method} {Shorten(path)} [{contentType}] {Shorten(body is null ? "" : Encoding.UTF8.GetString(body))} → {answer}");
        }

        output.WriteLine($"{Requests} requests; answers by status: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}");
        foreach (var failure in failures.Take(20))
            output.WriteLine(failure);
        Assert.Empty(failures);
        Assert.Equal(before, await Counts());
        Assert.True(statuses.Where(s => s.Key >= 400).Sum(s => s.Value) > Requests / 2, "most generated requests should be refused");
    }

    private (HttpMethod, string, byte[]?, string?, Dictionary<string, string>) Generate(Random random)
    {
        var headers = new Dictionary<string, string>();
        if (random.Next(6) == 0)
            headers[Pick(random, ["Origin", "Sec-Fetch-Site", "Accept", "X-Forwarded-For", "Idempotency-Key", "X-Api-Key"])] =
                Pick(random, ["https://evil.example", "cross-site", "same-site", "text/plain", "text/csv", "*/*", "127.0.0.1", "null", "wrong", new string('k', 300), "\u00e9\u00e8"]);
        var contentType = Pick(random, ["application/json", "application/json", "application/json", "text/plain", "application/x-www-form-urlencoded",
            "application/json; charset=utf-16", "multipart/form-data; boundary=x", null]);
        var id = Pick(random, [_batchId.ToString(), "0", "-1", "999999", "9223372036854775807", "abc", "1.5"]);

        switch (random.Next(10))
        {
            case 0 or 1 or 2:
                return (HttpMethod.Post, "/batches", BatchBody(random), contentType, headers);
            case 3:
                return (HttpMethod.Post, "/analysis", random.Next(8) == 0 ? Encoding.UTF8.GetBytes(Pick(random, TopLevel)) : AnalysisBody(random), contentType, headers);
            case 4:
                return (HttpMethod.Post, "/analysis/plan", random.Next(8) == 0 ? Encoding.UTF8.GetBytes(Pick(random, TopLevel)) : PlanBody(random), contentType, headers);
            case 5:
                var probe = new JsonObject { [Pick(random, ["queue", "matrixSize", "repeats", "Queue", "extra"])] = Hostile(random) };
                probe["matrixSize"] = random.Next(2) == 0 ? 1 : 100_000; // never a valid probe: no probe row may appear
                var probeBody = random.Next(4) == 0 ? Pick(random, TopLevel.Where(b => b != "{}").ToArray()) : probe.ToJsonString();
                return (HttpMethod.Post, $"/workers/probe?wait={Pick(random, QueryValues)}", Encoding.UTF8.GetBytes(probeBody), contentType, headers);
            case 6:
                var target = random.Next(2) == 0 ? Pick(random, ["0", "-1", "999999", "abc"]) : id;
                var cancelId = target == _batchId.ToString() ? "999998" : target;
                return (random.Next(2) == 0 ? HttpMethod.Delete : HttpMethod.Post, random.Next(2) == 0 ? $"/batches/{cancelId}" : $"/batches/{cancelId}/cancel",
                    random.Next(2) == 0 ? null : Encoding.UTF8.GetBytes(Pick(random, ["{}", "", "x", "{\"a\":"])), contentType, headers);
            case 7:
                return (Pick(random, [HttpMethod.Post, HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete]),
                    Pick(random, ["/hangfire/jobs/actions/delete/1", "/hangfire/jobs/enqueued/delete", "/hangfire/recurring/trigger", "/metrics", "/presets", "/healthz", "/ui/batches"]),
                    Encoding.UTF8.GetBytes("jobs[]=1"), contentType, headers);
            default:
                var q = Pick(random, QueryValues);
                var path = Pick(random, [
                    $"/batches?limit={q}", $"/batches?offset={q}", $"/batches?status={q}", $"/batches?name={q}", $"/batches/{id}", $"/batches/{id}/runs?format={q}",
                    $"/batches/{id}/runs?arm={q}&status={q}", $"/batches/{id}/epochs", $"/batches/{id}/analysis?level={q}", $"/batches/{id}/analysis?metric={q}&correction={q}",
                    $"/batches/{id}/analysis?test={q}&compare={q}&goal={q}", $"/batches/{id}/analysis?format={q}", $"/batches/{_factorialId}/analysis?format={q}&level={q}&test={q}", $"/runs/{id}", $"/runs/{_runId}", $"/workers?status={q}", $"/workers/probes/{id}",
                    $"/ui/batches?status={q}&offset={q}", $"/ui/batches/{id}?metric={q}", $"/ui/batches/{id}/progress", $"/ui/batches/{q}/progress", $"/ui/batches/{_factorialId}?metric={q}", $"/ui/runs/{id}", "/ui/workers", "/metrics", "/presets", "/tricks",
                    $"/compare?arms={q}", $"/compare?arms={id}:{q},{id}:base&metric={q}&level={q}&margin={q}", $"/ui/compare?arms={q}",
                    $"/ui/compare?arms={_batchId}:base,{id}:{q}&metric={q}",
                    $"/hangfire?api_key={q}", "/hangfire/jobs/enqueued", $"/{q}", $"/batches/{q}/{q}"]);
                return (HttpMethod.Get, path, null, null, headers);
        }
    }

    private static byte[] BatchBody(Random random)
    {
        switch (random.Next(8))
        {
            case 0:
                var garbage = new byte[random.Next(1, 200)];
                random.NextBytes(garbage);
                return garbage;
            case 1:
                return Encoding.UTF8.GetBytes(Pick(random, ["", "null", "[]", "\"text\"", "{", "{\"name\": \"x\",}", "{\"name\": \"x\" \"seeds\": 1}",
                    new string('[', 5000), "{\"a\":" + new string('{', 100), "\ufeff{}", "{\"name\": \"dup\", \"name\": \"dup\"}"]));
        }
        var spec = JsonNode.Parse(TinyBatch)!.AsObject();
        if (random.Next(3) == 0)
            spec["factorial"] = FactorialMember(random);
        else
            spec["leaveOneOut"] = new JsonArray(Pick(random, Tricks));
        var mutations = random.Next(1, 4);
        for (var m = 0; m < mutations; m++)
        {
            var (parent, key) = Pick(random, [
                (spec, "name"), (spec, "seeds"), (spec, "queue"), (spec, "priority"), (spec, "data"), (spec, "metric"), (spec, "baseline"), (spec, "arms"),
                (spec, "includeBase"), (spec, "analysis"), (spec, "Name"), (spec, "unknownField"), (spec["base"]!.AsObject(), "preset"),
                (spec["base"]!.AsObject(), "on"), (spec["base"]!.AsObject(), "off"), (spec["base"]!["overrides"]!.AsObject(), "width"),
                (spec["base"]!["overrides"]!.AsObject(), "learningRate"), (spec["base"]!["overrides"]!.AsObject(), "epochs"),
                (spec["base"]!["overrides"]!.AsObject(), "pool"), (spec["base"]!["overrides"]!.AsObject(), "celuAlpha"),
                (spec["base"]!["overrides"]!.AsObject(), "emaMomentum"), (spec["base"]!["overrides"]!.AsObject(), "Width")]);
            parent[key] = Hostile(random);
        }
        // The poison: always one value no batch accepts, so that no generated batch is stored.
        spec["seeds"] = Pick(random, [(JsonNode?)"abc", -3, 0, 501, new JsonArray(1, 1), new JsonArray(-1), null, 1e308, new JsonArray(2147483648L)]);
        return Encoding.UTF8.GetBytes(spec.ToJsonString());
    }

    /// <summary>A factorial member with hostile factors, levels, resolutions and generators.</summary>
    private static JsonNode? FactorialMember(Random random)
    {
        if (random.Next(8) == 0)
            return Hostile(random);
        var factors = new JsonArray();
        for (var i = 0; i < random.Next(0, 17); i++)
            factors.Add(random.Next(3) switch
            {
                0 => new JsonObject { ["trick"] = random.Next(4) == 0 ? Hostile(random) : Pick(random, Tricks) },
                1 => new JsonObject
                {
                    ["field"] = Pick(random, [(JsonNode?)"width", "epochs", "emaMomentum", "colour", "Width", 7]),
                    ["low"] = random.Next(2) == 0 ? Hostile(random) : Pick(random, EdgeNumbers)?.DeepClone(),
                    ["high"] = random.Next(2) == 0 ? Hostile(random) : Pick(random, EdgeNumbers)?.DeepClone(),
                },
                _ => Hostile(random),
            });
        var letters = "ABCDEFGHIJKLMNOPQ";
        var generators = new JsonObject();
        for (var g = 0; g < random.Next(0, 5); g++)
            generators[letters[random.Next(letters.Length)].ToString()] = random.Next(3) == 0 ? Hostile(random)
                : string.Concat(Enumerable.Range(0, random.Next(0, 6)).Select(_ => letters[random.Next(letters.Length)]));
        return new JsonObject
        {
            ["factors"] = random.Next(10) == 0 ? Hostile(random) : factors,
            ["design"] = random.Next(4) switch
            {
                0 => Pick(random, [(JsonNode?)"full", "half", null, 3]),
                1 => new JsonObject { ["resolution"] = random.Next(2) == 0 ? random.Next(-1, 12) : Pick(random, EdgeNumbers)?.DeepClone() },
                2 => new JsonObject { ["generators"] = generators },
                _ => Hostile(random),
            },
            [Pick(random, ["extra", "Factors", "seeds"])] = random.Next(4) == 0 ? Hostile(random) : null,
        };
    }

    private static byte[] AnalysisBody(Random random)
    {
        var arms = new JsonArray();
        for (var i = 0; i < random.Next(0, 6); i++)
        {
            var values = new JsonArray();
            if (random.Next(6) == 0)
                values = new JsonArray(1, 2, Pick(random, EdgeNumbers)?.DeepClone()); // arms that may differ by one ulp, or by everything a double holds
            else
                for (var v = 0; v < random.Next(0, 6); v++)
                    values.Add(random.Next(8) == 0 ? Hostile(random) : 0.94 + random.NextDouble() * Pick(random, [1e-3, 1e-15, 0, 1e300]));
            arms.Add(random.Next(10) == 0 ? null : new JsonObject
            {
                ["name"] = random.Next(6) == 0 ? Hostile(random) : $"arm{random.Next(3)}",
                ["values"] = values,
                ["seeds"] = random.Next(2) == 0 ? null : new JsonArray(Enumerable.Range(0, values.Count).Select(s => (JsonNode?)s).ToArray()),
            });
        }
        var body = new JsonObject { ["arms"] = arms };
        foreach (var key in new[] { "level", "power", "pilotSd", "targetDifference", "margin", "correction", "test", "compare", "goal", "baseline", "Level", "unknown" })
            if (random.Next(4) == 0)
                body[key] = random.Next(2) == 0 ? Hostile(random) : Pick(random, EdgeNumbers)?.DeepClone();
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    private static byte[] PlanBody(Random random)
    {
        var body = new JsonObject();
        foreach (var key in new[] { "sd", "difference", "runsPerArm", "power", "level", "comparisons", "looks", "spending", "SD", "extra" })
            if (random.Next(2) == 0)
                body[key] = random.Next(3) switch
                {
                    0 => Hostile(random),
                    1 => Pick(random, EdgeNumbers)?.DeepClone(),
                    _ => Pick(random, [(JsonNode?)0.0015, 0.001, 50, 0.8, 0.95, 3, 1e-300, 1e12]),
                };
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    private static JsonNode? Hostile(Random random) => Pick(random, HostileValues)?.DeepClone();

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + "…";
}
