using System.Net;
using System.Text.Json.Nodes;
using Runner.Core.Recipes;
using Runner.Tests.Infrastructure;
using static Runner.Tests.Hardening.HardeningClient;

namespace Runner.Tests.Hardening;

/// <summary>Section 2 of the hardening: every field has a range, duplicates and unknown fields are refused, limits come first.</summary>
public sealed class ValidationRuleTests(SharedApi api) : SharedApiTestBase(api)
{
    // A value outside its range for each field that has one; booleans take every value they can hold.
    private static readonly Dictionary<string, JsonNode> OutOfRange = new()
    {
        ["epochs"] = 1001, ["batchSize"] = 1, ["learningRate"] = new JsonObject { ["knots"] = new JsonArray(0, 1), ["values"] = new JsonArray(0, 1e6) },
        ["weightDecay"] = 1, ["momentum"] = -0.1, ["maxOptions"] = 0, ["cutout"] = 33, ["trainSubset"] = 50_001, ["width"] = 0.1, ["pool"] = 7,
        ["activation"] = "tanh", ["celuAlpha"] = 1e308, ["ghostBatchNormSplits"] = 512, ["biasLearningRateScale"] = 0, ["biasWeightDecayScale"] = 1e9,
        ["outputScale"] = 1e308, ["whiteningEpsilon"] = 0, ["whiteningImages"] = 0, ["labelSmoothing"] = 1, ["emaMomentum"] = 1, ["emaEvery"] = 0,
        ["precision"] = "fp8", ["emaCounter"] = "forever", ["emaStatistics"] = "last-split", ["optimizer"] = "adam", ["translate"] = 5,
        ["network"] = "vgg", ["normalisation"] = "imagenet", ["batchNormMomentum"] = 0, ["batchNormEpsilon"] = 0,
        // airbench's switches, out of range on the resnet9 preset these samples override
        ["alternatingFlip"] = true, ["whiteningBiasEpochs"] = 3,
    };

    private static readonly string[] Switches = ["groupAugmentation", "frozenBatchNormScales", "whitening", "ema", "tta", "diracInit", "lookahead", "ttaTranslate"];

    [Fact]
    public void Every_recipe_field_has_a_stated_range_and_a_new_field_would_be_refused()
    {
        foreach (var field in RecipeValidation.Fields)
        {
            Assert.True(RecipeValidation.HasRule(field), $"'{field}' has no range in RecipeValidation");
            Assert.True(OutOfRange.ContainsKey(field) || Switches.Contains(field), $"'{field}' has no out-of-range sample in this test");
        }
        Assert.False(RecipeValidation.HasRule("someFutureField"));
        Assert.Empty(new Recipe().Validate());
        Assert.All(Presets.All, p => Assert.Empty(p.Recipe.Validate()));
    }

    [Fact]
    public void Each_field_refuses_a_value_outside_its_range()
    {
        foreach (var (field, value) in OutOfRange)
        {
            var (recipe, errors) = new Variant("tta", Overrides: new JsonObject { [field] = value.DeepClone() }).Build();
            Assert.Null(recipe);
            Assert.True(errors.Keys.Any(k => k.StartsWith(field, StringComparison.Ordinal) || k.StartsWith($"overrides.{field}", StringComparison.Ordinal)),
                $"{field} = {value.ToJsonString()} was not refused by name: {string.Join(", ", errors.Keys)}");
        }
    }

    [Fact]
    public async Task Duplicate_keys_are_refused_not_last_one_wins()
    {
        AssertProblem(await PostAsync(Client, "/batches", TinyBatch.Replace("\"name\": \"tiny\"", "\"name\": \"tiny\", \"name\": \"other\"")), HttpStatusCode.BadRequest, "name");
        AssertProblem(await PostAsync(Client, "/batches", TinyBatch.Replace("\"name\": \"tiny\"", "\"name\": \"tiny\", \"NAME\": \"other\"")), HttpStatusCode.BadRequest, "NAME");
        AssertProblem(await PostAsync(Client, "/analysis/plan", """{"sd": 0.1, "difference": 0.1, "Sd": 0.2}"""), HttpStatusCode.BadRequest, "Sd");
        await AssertNothingStored();
    }

    [Fact]
    public async Task Unknown_fields_are_refused_in_analysis_and_planning_as_in_batches()
    {
        AssertProblem(await PostAsync(Client, "/analysis", """{"arms": [{"name": "a", "values": [1, 2]}], "levle": 0.9}"""), HttpStatusCode.BadRequest, "levle");
        AssertProblem(await PostAsync(Client, "/analysis", """{"arms": [{"name": "a", "values": [1, 2], "seed": [1, 2]}]}"""), HttpStatusCode.BadRequest, "arms[0].seed");
        AssertProblem(await PostAsync(Client, "/analysis/plan", """{"sd": 0.1, "difference": 0.1, "runs": 5}"""), HttpStatusCode.BadRequest, "runs");
        AssertProblem(await PostAsync(Client, "/batches", TinyBatch.Replace("\"seeds\"", "\"seed\": 1, \"seeds\"")), HttpStatusCode.BadRequest, "seed");
    }

    [Theory]
    [InlineData("\"name\": \"tiny\"", "\"name\": \"bell\\u0007\"", "name")]
    [InlineData("\"name\": \"tiny\"", "\"name\": \"tab\\there\"", "name")]
    [InlineData("\"seeds\": 2", "\"seeds\": 2, \"arms\": [{\"name\": \"a\\nb\"}]", "arms[0].name")]
    [InlineData("\"data\": \"synthetic:300\"", "\"data\": \"/data/\\u001b[2J\"", "data")]
    [InlineData("\"data\": \"synthetic:300\"", "\"data\": \"/data/very-long-path-", "data")]
    public async Task Control_characters_and_overlong_text_are_refused_in_names_and_paths(string from, string to, string field)
    {
        if (to.EndsWith('-'))
            to += new string('x', 2000) + "\"";
        AssertProblem(await PostAsync(Client, "/batches", TinyBatch.Replace(from, to)), HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Seeds_must_lie_in_the_range_every_generator_takes()
    {
        AssertProblem(await PostAsync(Client, "/batches", TinyBatch.Replace("\"seeds\": 2", "\"seeds\": [0, 2147483648]")), HttpStatusCode.BadRequest, "seeds[1]");
        AssertProblem(await PostAsync(Client, "/batches", TinyBatch.Replace("\"seeds\": 2", "\"seeds\": [-1]")), HttpStatusCode.BadRequest, "seeds[0]");
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(Client, "/batches", TinyBatch.Replace("\"seeds\": 2", "\"seeds\": [0, 2147483647]"))).Status);
    }

    [Fact]
    public async Task Limits_are_checked_before_the_expensive_part()
    {
        var arms = string.Join(",", Enumerable.Repeat("{}", 20_000));
        var answer = await PostAsync(Client, "/batches", TinyBatch.Replace("\"seeds\"", $"\"arms\": [{arms}], \"seeds\""));

        AssertProblem(answer, HttpStatusCode.BadRequest, "arms");
        Assert.Single(answer.Fields);
        Assert.True(answer.Body.Length < 1000, $"the refusal of 20,000 arms is {answer.Body.Length} bytes");
        var seeds = string.Join(",", Enumerable.Range(0, 100_000));
        var tooMany = await PostAsync(Client, "/batches", TinyBatch.Replace("\"seeds\": 2", $"\"seeds\": [{seeds}]"));
        AssertProblem(tooMany, HttpStatusCode.BadRequest, "seeds");
        Assert.Single(tooMany.Fields);
    }
}
