using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Foundation;

public sealed class ApiTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateMigratedAsync();
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<long> ProbeCount() => await _db.ScalarAsync<long>("select count(*) from probes");

    [Theory]
    [InlineData("""{"queue":"tpu"}""", "queue")]
    [InlineData("""{"matrixSize":8}""", "matrixSize")]
    [InlineData("""{"repeats":0}""", "repeats")]
    [InlineData("""{"repeats":5000}""", "repeats")]
    public async Task A_bad_probe_request_is_a_400_problem_naming_the_field_and_stores_nothing(string body, string field)
    {
        await using var api = new ApiFactory(_db.ConnectionString);
        using var client = api.CreateClientWithKey();

        var response = await client.PostAsync("/workers/probe", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(0L, await ProbeCount());
    }

    [Fact]
    public async Task An_unknown_worker_status_filter_is_a_400_naming_status()
    {
        await using var api = new ApiFactory(_db.ConnectionString);
        var response = await api.CreateClient().GetAsync("/workers?status=sleeping");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("status", out _));
    }

    [Fact]
    public async Task Mutating_requests_from_outside_loopback_need_the_key_but_reads_do_not()
    {
        await using var api = new ApiFactory(_db.ConnectionString);
        using var anonymous = api.CreateClient();
        using var wrongKey = api.CreateClient();
        wrongKey.DefaultRequestHeaders.Add("X-Api-Key", "guess");
        using var bearer = api.CreateClient();
        bearer.DefaultRequestHeaders.Authorization = new("Bearer", ApiFactory.ApiKey);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/workers/probe", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrongKey.PostAsync("/workers/probe", null)).StatusCode);
        Assert.Equal(0L, await ProbeCount());
        Assert.Equal(HttpStatusCode.Accepted, (await bearer.PostAsync("/workers/probe", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/workers")).StatusCode);
    }

    [Fact]
    public async Task Reads_can_be_protected_too()
    {
        await using var api = new ApiFactory(_db.ConnectionString, new Dictionary<string, string> { ["Access:ProtectReads"] = "true" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.CreateClient().GetAsync("/workers")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.CreateClientWithKey().GetAsync("/workers")).StatusCode);
    }

    [Fact]
    public async Task Loopback_requests_need_no_key()
    {
        await using var api = new ApiFactory(_db.ConnectionString, fromLoopback: true);
        using var client = api.CreateClient();
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/workers/probe", new StringContent("", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/hangfire")).StatusCode);
    }

    [Fact]
    public async Task The_dashboard_needs_the_key_off_loopback_and_remembers_it_in_a_cookie()
    {
        await using var api = new ApiFactory(_db.ConnectionString);
        using var client = api.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/hangfire")).StatusCode);
        var withKey = await client.GetAsync($"/hangfire?api_key={ApiFactory.ApiKey}");
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
        Assert.Contains(withKey.Headers.GetValues("Set-Cookie"), c => c.StartsWith("runner_api_key=", StringComparison.Ordinal) && c.Contains("httponly"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/hangfire/jobs/enqueued")).StatusCode); // the client keeps the cookie
    }

    [Fact]
    public async Task Readiness_follows_the_database_while_liveness_does_not()
    {
        var doomed = await TestDatabase.CreateAsync();
        await using var api = new ApiFactory(doomed.ConnectionString);
        using var client = api.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);

        await doomed.DisposeAsync();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_worker_endpoints()
    {
        await using var api = new ApiFactory(_db.ConnectionString);
        var document = await api.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/workers", out _));
        Assert.True(paths.GetProperty("/workers/probe").TryGetProperty("post", out var post));
        Assert.False(string.IsNullOrEmpty(post.GetProperty("summary").GetString()));
    }

    [Fact]
    public async Task The_catalogue_lists_every_preset_with_its_recipe_and_every_trick()
    {
        await using var api = new ApiFactory(_db.ConnectionString);
        using var client = api.CreateClient();

        var presets = await client.GetFromJsonAsync<JsonElement>("/presets");
        Assert.Equal(Runner.Core.Recipes.Presets.All.Select(p => p.Name), presets.EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        var final = presets.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "tta");
        Assert.Equal(10, final.GetProperty("recipe").GetProperty("epochs").GetInt32());
        var recipe = Runner.Core.Recipes.RecipeJson.FromNode(System.Text.Json.Nodes.JsonNode.Parse(final.GetProperty("recipe").GetRawText())!);
        Assert.Equal(final.GetProperty("recipeHash").GetString(), Runner.Core.Recipes.RecipeJson.Hash(recipe));

        var tricks = await client.GetFromJsonAsync<JsonElement>("/tricks");
        Assert.Contains("ghost-bn", tricks.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.All(tricks.EnumerateArray(), t => Assert.False(string.IsNullOrEmpty(t.GetProperty("description").GetString())));
    }
}
