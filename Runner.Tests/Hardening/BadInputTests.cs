using System.Net;
using System.Text;
using Runner.Tests.Infrastructure;
using static Runner.Tests.Hardening.HardeningClient;

namespace Runner.Tests.Hardening;

/// <summary>
/// One test per class of input that used to reach a 500: each is now a 4xx problem+json naming the
/// field, and nothing is stored.
/// </summary>
public sealed class BadInputTests(SharedApi api) : SharedApiTestBase(api)
{
    [Fact]
    public async Task A_lone_surrogate_anywhere_in_a_batch_is_refused_naming_its_field()
    {
        AssertProblem(await PostAsync(Client, "/batches", TinyBatch.Replace("\"tiny\"", "\"ti\\ud800ny\"")), HttpStatusCode.BadRequest, "name");
        AssertProblem(await PostAsync(Client, "/batches", TinyBatch.Replace("\"queue\"", "\"extra\": {\"deep\": [\"\\udfff\"]}, \"queue\"")), HttpStatusCode.BadRequest, "extra.deep[0]");
        await AssertNothingStored();
    }

    [Fact]
    public async Task A_NUL_character_in_a_name_or_a_name_filter_is_refused()
    {
        AssertProblem(await PostAsync(Client, "/batches", TinyBatch.Replace("\"tiny\"", "\"ti\\u0000ny\"")), HttpStatusCode.BadRequest, "name");
        AssertProblem(await PostAsync(Client, "/batches", TinyBatch.Replace("\"tiny\"", "\"two\\nlines\"")), HttpStatusCode.BadRequest, "name");
        AssertProblem(await SendAsync(Client, HttpMethod.Get, "/batches?name=a%00b"), HttpStatusCode.BadRequest, "name");
        await AssertNothingStored();
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("""{"values": [0, 0.4, 0]}""")]
    [InlineData("""{"knots": [], "values": []}""")]
    [InlineData("""{"knots": [0, 5, 24], "values": []}""")]
    [InlineData("""{"knots": [1, 5, 24], "values": [0, 0.4, 0]}""")]
    [InlineData("""{"knots": [0, 5, 5], "values": [0, 0.4, 0]}""")]
    [InlineData("""{"knots": [0, 5, 24], "values": [0, -1, 0]}""")]
    [InlineData("""{"knots": "soon", "values": [0, 0.4, 0]}""")]
    public async Task A_malformed_learning_rate_override_is_refused(string schedule)
    {
        var answer = await PostAsync(Client, "/batches", TinyBatch.Replace("\"epochs\": 1", $"\"epochs\": 1, \"learningRate\": {schedule}"));
        AssertProblem(answer, HttpStatusCode.BadRequest);
        Assert.Contains(answer.Fields, f => f.StartsWith("base.", StringComparison.Ordinal) && f.Contains("learningRate"));
        await AssertNothingStored();
    }

    [Fact]
    public async Task A_null_arm_is_refused_in_batches_and_in_analysis()
    {
        AssertProblem(await PostAsync(Client, "/batches", TinyBatch.Replace("\"seeds\"", "\"arms\": [null], \"seeds\"")), HttpStatusCode.BadRequest, "arms[0]");
        AssertProblem(await PostAsync(Client, "/analysis", """{"arms": [null, {"name": "a", "values": [1, 2]}]}"""), HttpStatusCode.BadRequest, "arms[0]");
        await AssertNothingStored();
    }

    [Fact]
    public async Task Keys_that_differ_only_in_letter_case_are_refused()
    {
        AssertProblem(await PostAsync(Client, "/batches", TinyBatch.Replace("\"width\": 0.125", "\"width\": 0.125, \"Width\": 0.25")), HttpStatusCode.BadRequest, "base.overrides.Width");
        AssertProblem(await PostAsync(Client, "/batches", TinyBatch.Replace("\"seeds\": 2", "\"seeds\": 2, \"seeds\": 3")), HttpStatusCode.BadRequest, "seeds");
        AssertProblem(await PostAsync(Client, "/analysis", """{"arms": [{"name": "a", "values": [1, 2]}], "Arms": []}"""), HttpStatusCode.BadRequest, "Arms");
        await AssertNothingStored();
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_problem_on_every_endpoint_that_takes_one()
    {
        var huge = "{\"name\": \"" + new string('x', Runner.Api.Requests.JsonBody.MaxBytes) + "\"}";
        foreach (var path in new[] { "/batches", "/analysis", "/analysis/plan", "/workers/probe" })
            AssertProblem(await PostAsync(Client, path, huge), HttpStatusCode.RequestEntityTooLarge);
        await AssertNothingStored();
    }

    [Theory]
    [InlineData("""{"sd": 0.0015, "difference": 0.001, "power": 0.01}""", "power")]
    [InlineData("""{"sd": 0.0015, "difference": 0.001, "level": 0.9999999999999999}""", "level")]
    [InlineData("""{"sd": 0.0015, "difference": 0.001, "comparisons": 2000000000}""", "comparisons")]
    [InlineData("""{"sd": 1e308, "difference": 0.001}""", "sd")]
    [InlineData("""{"sd": 0.0015, "difference": -1e308}""", "difference")]
    [InlineData("""{"arms": [{"name": "a", "values": [1e308, -1e308]}, {"name": "b", "values": [1, 2]}]}""", "arms[0].values[0]")]
    [InlineData("""{"arms": [{"name": "a", "values": [1, 2]}, {"name": "b", "values": [1, 3]}], "pilotSd": 1e308}""", "pilotSd")]
    [InlineData("""{"arms": [{"name": "a", "values": [1, 2]}], "power": 0.001}""", "power")]
    public async Task Statistics_inputs_that_break_the_numerics_are_refused(string body, string field)
    {
        var path = body.Contains("\"arms\"") ? "/analysis" : "/analysis/plan";
        AssertProblem(await PostAsync(Client, path, body), HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData("/analysis")]
    [InlineData("/analysis/plan")]
    [InlineData("/batches")]
    [InlineData("/workers/probe")]
    public async Task A_body_of_every_top_level_JSON_kind_but_an_object_is_refused(string path)
    {
        foreach (var body in new[] { "null", "true", "0", "\"text\"", "[]", "[null]" })
            AssertProblem(await PostAsync(Client, path, body), HttpStatusCode.BadRequest, "body");
    }

    [Fact]
    public async Task Arms_one_ulp_apart_give_nulls_and_notes_not_an_error()
    {
        var answer = await PostAsync(Client, "/analysis", """
            {"arms": [{"name": "a", "values": [1, 2]}, {"name": "b", "values": [1, 2.0000000000000004]}]}
            """);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.DoesNotContain("Infinity", answer.Body);
        var text = await SendAsync(Client, HttpMethod.Post, "/analysis", Encoding.UTF8.GetBytes("""{"arms": [{"name": "a", "values": [1, 2]}, {"name": "b", "values": [1, 2.0000000000000004]}]}"""),
            headers: new Dictionary<string, string> { ["Accept"] = "text/plain" });
        Assert.Equal(HttpStatusCode.OK, text.Status);
    }

    [Theory]
    [InlineData("""{"sd": 2147483648, "difference": 0.001, "runsPerArm": 10}""")]
    [InlineData("""{"sd": 1, "difference": 1e-12, "runsPerArm": 2, "power": 0.5, "level": 0.5}""")]
    [InlineData("""{"sd": 1e-12, "difference": 1e12, "runsPerArm": 2}""")]
    [InlineData("""{"sd": 5e-324, "difference": 1e-300}""")]
    public async Task Extreme_planning_questions_are_answered_with_nulls_and_notes(string body)
    {
        var answer = await PostAsync(Client, "/analysis/plan", body);
        Assert.True(answer.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{answer.Status}: {answer.Body}");
        Assert.DoesNotContain("Infinity", answer.Body);
        Assert.DoesNotContain("NaN", answer.Body);
    }

    [Fact]
    public async Task Near_identical_arms_give_nulls_and_notes_not_NaN_or_an_error()
    {
        var answer = await PostAsync(Client, "/analysis", """
            {"arms": [{"name": "a", "values": [0.94, 0.94, 0.94]}, {"name": "b", "values": [0.94, 0.94, 0.9400000000000001]},
                      {"name": "c", "values": [0.94, 0.94, 0.94]}], "targetDifference": 1e-12}
            """);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.DoesNotContain("NaN", answer.Body);
        Assert.DoesNotContain("Infinity", answer.Body);
    }

    [Fact]
    public async Task A_level_of_NaN_in_a_query_string_is_refused()
    {
        using var created = await Client.PostAsync("/batches", new StringContent(TinyBatch, Encoding.UTF8, "application/json"));
        var id = System.Text.Json.Nodes.JsonNode.Parse(await created.Content.ReadAsStringAsync())!["batch"]!["id"]!.GetValue<long>();
        foreach (var level in new[] { "NaN", "Infinity", "0.99999999999999999", "abc" })
            AssertProblem(await SendAsync(Client, HttpMethod.Get, $"/batches/{id}/analysis?level={level}"), HttpStatusCode.BadRequest, "level");
    }

    [Fact]
    public async Task Hundreds_of_arms_with_all_pairs_are_refused_before_any_test_is_run()
    {
        var arms = string.Join(",", Enumerable.Range(0, 300).Select(i => $$"""{"name": "a{{i}}", "values": [{{i}}, {{i + 1}}]}"""));
        AssertProblem(await PostAsync(Client, "/analysis", $$"""{"arms": [{{arms}}], "compare": "all-pairs"}"""), HttpStatusCode.BadRequest, "arms");
        var fifty = string.Join(",", Enumerable.Range(0, 60).Select(i => $$"""{"name": "a{{i}}", "values": [{{i}}, {{i + 1}}]}"""));
        AssertProblem(await PostAsync(Client, "/analysis", $$"""{"arms": [{{fifty}}], "compare": "all-pairs"}"""), HttpStatusCode.BadRequest, "compare");
    }

    [Theory]
    [InlineData("/batches", """{"name": "x", "base": {}, "seeds": "abc"}""", "seeds")]
    [InlineData("/batches", """{"name": 5, "base": {}, "seeds": 2}""", "name")]
    [InlineData("/batches", """{"name": "x", "base": {"overrides": {"width": "wide"}}, "seeds": 2}""", "base.overrides.width")]
    [InlineData("/batches", """{"name": "x", "base": {"overrides": {"pool": 7}}, "seeds": 2}""", "base.pool")]
    [InlineData("/analysis", """{"arms": [{"name": "a", "values": "many"}]}""", "arms[0].values")]
    [InlineData("/analysis/plan", """{"sd": "small"}""", "sd")]
    [InlineData("/workers/probe", """{"matrixSize": "big"}""", "matrixSize")]
    public async Task Wrong_JSON_types_name_their_field(string path, string body, string field) =>
        AssertProblem(await PostAsync(Client, path, body), HttpStatusCode.BadRequest, field);

    [Theory]
    [InlineData("/batches?limit=abc", "limit")]
    [InlineData("/batches?offset=2147483648", "offset")]
    [InlineData("/batches?limit=0", "limit")]
    [InlineData("/batches?status=lost", "status")]
    [InlineData("/batches/1/runs?format=xml", "format")]
    [InlineData("/workers?status=asleep", "status")]
    [InlineData("/ui/batches?offset=-1", "offset")]
    public async Task Bad_query_parameters_name_their_parameter(string path, string field) =>
        AssertProblem(await SendAsync(Client, HttpMethod.Get, path), HttpStatusCode.BadRequest, field);

    [Fact]
    public async Task Server_level_refusals_are_problems_too()
    {
        AssertProblem(await SendAsync(Client, HttpMethod.Get, "/batches?name=" + new string('a', 9000)), HttpStatusCode.RequestUriTooLong);
        AssertProblem(await SendAsync(Client, HttpMethod.Get, "/batches/%2e%2e%2fhangfire"), HttpStatusCode.NotFound);
        AssertProblem(await SendAsync(Client, HttpMethod.Get, "/batches/99999999999999999999"), HttpStatusCode.NotFound);
        AssertProblem(await SendAsync(Client, HttpMethod.Put, "/batches", Encoding.UTF8.GetBytes("{}")), HttpStatusCode.MethodNotAllowed);
        AssertProblem(await PostAsync(Client, "/batches", "{\"name\": ", "application/json"), HttpStatusCode.BadRequest, "body");
        AssertProblem(await PostAsync(Client, "/analysis", "{}", "text/plain"), HttpStatusCode.UnsupportedMediaType);
    }
}
