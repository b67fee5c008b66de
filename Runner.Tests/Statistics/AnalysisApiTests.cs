using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Runner.Tests.Infrastructure;
using static Runner.Tests.Statistics.ReferenceData;

namespace Runner.Tests.Statistics;

/// <summary>The analysis and planning endpoints on samples posted directly, without a key (they store nothing).</summary>
public sealed class AnalysisApiTests(SharedApi api) : IClassFixture<SharedApi>, IDisposable
{
    private readonly HttpClient _client = api.Factory.CreateClient();

    public void Dispose() => _client.Dispose();

    private static object SleepRequest(object? extra = null) => new
    {
        metric = "extra sleep (hours)",
        baseline = "drug2",
        arms = new object[]
        {
            new { name = "drug2", values = SleepGroup2, seeds = Enumerable.Range(1, 10) },
            new { name = "drug1", values = SleepGroup1, seeds = Enumerable.Range(1, 10) },
        },
    };

    [Fact]
    public async Task Samples_posted_directly_are_analysed_as_R_does()
    {
        var response = await _client.PostAsJsonAsync("/analysis", SleepRequest());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();

        var comparison = result.GetProperty("comparisons")[0];
        Assert.Equal("drug1", comparison.GetProperty("arm").GetString());
        Assert.Equal(0.07939414018735814, comparison.GetProperty("test").GetProperty("pTwoSided").GetDouble(), 12);
        Assert.Equal(0.002832890197384273, comparison.GetProperty("paired").GetProperty("pTwoSided").GetDouble(), 12);
        Assert.Equal("no significant difference", comparison.GetProperty("verdict").GetString());
        Assert.Equal("holm", result.GetProperty("correction").GetString());
        Assert.Equal(1.789010, result.GetProperty("arms")[1].GetProperty("summary").GetProperty("standardDeviation").GetDouble(), 6);
        Assert.False(string.IsNullOrEmpty(result.GetProperty("planning").GetProperty("summary").GetString()));
    }

    [Fact]
    public async Task The_text_form_is_a_terminal_table_with_the_same_numbers()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/analysis") { Content = JsonContent.Create(SleepRequest()) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain"));
        var response = await _client.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("drug1 - drug2", text);
        Assert.Contains("-1.58", text);
        Assert.Contains("0.0794", text);
        Assert.Contains("0.0028", text);
        Assert.Contains("no significant difference", text);
        Assert.Contains("Planning:", text);
    }

    [Theory]
    [InlineData("""{"arms":[]}""", "arms")]
    [InlineData("""{"arms":[{"name":"a","values":[1,2]},{"name":"a","values":[3,4]}]}""", "arms[1].name")]
    [InlineData("""{"arms":[{"name":"a"}]}""", "arms[0].values")]
    [InlineData("""{"arms":[{"name":"a","values":[1,2],"seeds":[1]}]}""", "arms[0].seeds")]
    [InlineData("""{"arms":[{"name":"a","values":[1,2]}],"baseline":"b"}""", "baseline")]
    [InlineData("""{"arms":[{"name":"a","values":[1,2]}],"correction":"tukey"}""", "correction")]
    [InlineData("""{"arms":[{"name":"a","values":[1,2]}],"test":"mann-whitney"}""", "test")]
    [InlineData("""{"arms":[{"name":"a","values":[1,2]}],"level":1.5}""", "level")]
    public async Task Bad_requests_name_the_field(string body, string field)
    {
        var response = await _client.PostAsync("/analysis", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), errors.ToString());
    }

    [Fact]
    public async Task Planning_answers_how_many_seeds_a_difference_needs()
    {
        var response = await _client.PostAsJsonAsync("/analysis/plan", new { sd = 1, difference = 0.5, power = 0.8, runsPerArm = 50 });
        var plan = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(63.76576, plan.GetProperty("runsPerArmNeeded").GetDouble(), 4);
        Assert.Equal(0.566, plan.GetProperty("minimumDetectableDifference").GetDouble(), 3);
        Assert.Equal(0.697, plan.GetProperty("powerAtRunsPerArm").GetDouble(), 3);

        var bad = await _client.PostAsJsonAsync("/analysis/plan", new { difference = 0.1 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Planning_sizes_a_sequential_design_when_looks_are_given()
    {
        var response = await _client.PostAsJsonAsync("/analysis/plan", new { sd = 0.0015, difference = 0.001, power = 0.9, looks = 5, comparisons = 4 });
        var sequential = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sequential");

        Assert.Equal(5, sequential.GetProperty("boundaries").GetArrayLength());
        Assert.Equal(0.05 / 4, sequential.GetProperty("alphaPerComparison").GetDouble(), 12);
        Assert.Equal(3, sequential.GetProperty("expected").GetArrayLength());
        Assert.True(sequential.GetProperty("maxRunsPerArm").GetInt32() >= sequential.GetProperty("fixedRunsPerArm").GetDouble());

        var bad = await _client.PostAsJsonAsync("/analysis/plan", new { sd = 0.0015, difference = 0.001, looks = 50, spending = "linear" });
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("looks", out _) && errors.TryGetProperty("spending", out _));
    }

    [Fact]
    public async Task Planning_evaluates_a_sequential_design_at_the_looks_given()
    {
        var sized = (await (await _client.PostAsJsonAsync("/analysis/plan", new { sd = 0.0015, difference = 0.001, power = 0.9, looks = 5 }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sequential");
        var seeds = sized.GetProperty("seedsAtLooks").EnumerateArray().Select(e => e.GetInt32()).ToArray();

        // The sized design's own looks, given as a list: its most seeds, power at least the target, the same boundaries (to the rounding of the seeds).
        var given = (await (await _client.PostAsJsonAsync("/analysis/plan", new { sd = 0.0015, difference = 0.001, power = 0.9, looks = seeds }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sequential");
        Assert.Equal(seeds, given.GetProperty("seedsAtLooks").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(seeds[^1], given.GetProperty("maxRunsPerArm").GetInt32());
        Assert.InRange(given.GetProperty("power").GetDouble(), 0.9, 0.92);
        Assert.InRange(given.GetProperty("boundaries")[0].GetProperty("z").GetDouble() - sized.GetProperty("boundaries")[0].GetProperty("z").GetDouble(), -0.1, 0.1);

        // Half the seeds: the same looks' shape, less power.
        var half = (await (await _client.PostAsJsonAsync("/analysis/plan", new { sd = 0.0015, difference = 0.001, power = 0.9, looks = seeds.Select(n => n / 2).ToArray() }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sequential");
        Assert.True(half.GetProperty("power").GetDouble() < 0.7);

        foreach (var looks in new object[] { new[] { 10, 10 }, new[] { 1, 5 }, Array.Empty<int>(), Enumerable.Range(1, 21).Select(i => 2 * i).ToArray(), new object[] { 10, "x" }, new[] { 10, 2_000_000 } })
        {
            var bad = await _client.PostAsJsonAsync("/analysis/plan", new { sd = 0.0015, difference = 0.001, looks });
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("looks", out _));
        }
    }
}
