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

    public virtual async Task DisposeAsync()
    {
        Client.Dispose();
        await Api.DisposeAsync();
        await Db.DisposeAsync();
    }
}
