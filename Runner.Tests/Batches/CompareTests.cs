using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Batches;

/// <summary>Arms of different batches compared: the analysis over both, the warnings for what else differs, the page, bad input.</summary>
public sealed class CompareTests : ApiTestBase
{
    private Task<long> Submit(string name, string data) =>
        SubmitBatchAsync(TinySpec.Of(name, seeds: 4, data: data, more: "\"arms\": [{\"name\": \"no-ema\", \"off\": [\"ema\"]}]"));

    /// <summary>Finishes every run of an arm as a worker on <paramref name="device"/> would, with the given accuracies by seed.</summary>
    private async Task Finish(long batchId, string arm, string device, params double[] accuracies)
    {
        await using var connection = new NpgsqlConnection(Db.ConnectionString);
        await connection.OpenAsync();
        for (var seed = 0; seed < accuracies.Length; seed++)
        {
            await using var update = new NpgsqlCommand("""
                update runs r set status = 'succeeded', finished_at = now(), test_accuracy = @value, device = 'cuda:0', device_name = @device,
                                  torchsharp_version = '0.107.0', libtorch_version = '2.10.0'
                from arms a where a.id = r.arm_id and r.batch_id = @batchId and a.name = @arm and r.seed = @seed
                """, connection);
            update.Parameters.AddWithValue("value", accuracies[seed]);
            update.Parameters.AddWithValue("device", device);
            update.Parameters.AddWithValue("batchId", batchId);
            update.Parameters.AddWithValue("arm", arm);
            update.Parameters.AddWithValue("seed", (long)seed);
            await update.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task Arms_of_two_batches_are_analysed_together_with_a_warning_for_each_difference()
    {
        var first = await Submit("first <b>", "synthetic:512");
        var second = await Submit("second", "synthetic:256");
        await Finish(first, "base", "NVIDIA H100", 0.940, 0.941, 0.939, 0.942);
        await Finish(second, "no-ema", "NVIDIA A100", 0.930, 0.932, 0.929, 0.931);

        var comparison = (await Client.GetFromJsonAsync<JsonNode>($"/compare?arms={first}:base,{second}:no-ema"))!;

        Assert.Equal([$"{first}:base", $"{second}:no-ema"], comparison["arms"]!.AsArray().Select(a => a!["label"]!.GetValue<string>()));
        var warnings = string.Join("\n", comparison["warnings"]!.AsArray().Select(w => w!.GetValue<string>()));
        Assert.Contains($"Recipes differ: {second}:no-ema against {first}:base: ema: true → false", warnings);
        Assert.Contains($"Data differ: {first}:base on synthetic:512; {second}:no-ema on synthetic:256.", warnings);
        Assert.Contains("Devices or precisions differ: ", warnings);
        Assert.DoesNotContain("Library versions differ", warnings);
        var test = comparison["analysis"]!["comparisons"]![0]!;
        Assert.Equal(($"{second}:no-ema", $"{first}:base"), (test["arm"]!.GetValue<string>(), test["against"]!.GetValue<string>()));
        Assert.Equal((0.930 + 0.932 + 0.929 + 0.931) / 4 - (0.940 + 0.941 + 0.939 + 0.942) / 4, test["test"]!["difference"]!.GetValue<double>(), 12);
        Assert.Equal("worse", test["verdict"]!.GetValue<string>());
        Assert.NotNull(test["paired"]); // both batches ran seeds 0–3

        var page = await Client.GetStringAsync($"/ui/compare?arms={first}:base,{second}:no-ema");
        Assert.Contains("<ul id=\"warnings\">", page);
        Assert.Contains($"<li data-arm=\"{second}:no-ema\">", page);
        Assert.Contains("first &lt;b&gt;", page); // the batch's name, encoded
        Assert.DoesNotContain("first <b>", page);
        Assert.Contains("<figure id=\"forest\">", page);
        Assert.Contains("<figure id=\"paired\">", page);
        Assert.Contains($"href=\"?arms={first}%3Abase%2C{second}%3Ano-ema&amp;metric=train-loss\"", page);
    }

    [Theory]
    [InlineData("", HttpStatusCode.BadRequest)]
    [InlineData("1:base", HttpStatusCode.BadRequest)]
    [InlineData("x:base,2:base", HttpStatusCode.BadRequest)]
    [InlineData("1:base,1:base", HttpStatusCode.BadRequest)]
    [InlineData("999999:base,999998:base", HttpStatusCode.NotFound)]
    public async Task Bad_arm_lists_are_refused_naming_the_field(string arms, HttpStatusCode expected)
    {
        foreach (var path in new[] { "/compare", "/ui/compare" })
        {
            if (path == "/ui/compare" && arms.Length == 0)
                continue; // the page without arms is the empty form
            using var response = await Client.GetAsync($"{path}?arms={Uri.EscapeDataString(arms)}");
            Assert.Equal(expected, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            if (expected == HttpStatusCode.BadRequest)
                Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!["arms"]);
        }
        var tooMany = string.Join(",", Enumerable.Range(1, 21).Select(i => $"{i}:base"));
        using var refused = await Client.GetAsync($"/compare?arms={tooMany}");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }
}
