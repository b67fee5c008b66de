using System.Text;
using System.Text.Json.Nodes;

namespace Runner.Tests.Infrastructure;

/// <summary>A fresh migrated database and the real API in process on it, with a client that carries the key.</summary>
public abstract class ApiTestBase(IReadOnlyDictionary<string, string>? settings = null) : IAsyncLifetime
{
    protected TestDatabase Db { get; private set; } = null!;
    protected ApiFactory Api { get; private set; } = null!;
    protected HttpClient Client { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateMigratedAsync();
        Api = new ApiFactory(Db.ConnectionString, settings);
        Client = Api.CreateClientWithKey();
    }

    /// <summary>Submits a batch specification and returns the new batch's id; a refusal fails the test with the problem.</summary>
    protected async Task<long> SubmitBatchAsync(string json)
    {
        using var response = await Client.PostAsync("/batches", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["batch"]!["id"]!.GetValue<long>();
    }

    public virtual async Task DisposeAsync()
    {
        Client.Dispose();
        await Api.DisposeAsync();
        await Db.DisposeAsync();
    }
}
