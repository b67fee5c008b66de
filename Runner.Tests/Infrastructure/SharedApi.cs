namespace Runner.Tests.Infrastructure;

/// <summary>
/// One migrated database and one API in process for a whole test class (an xUnit class fixture), for classes whose tests
/// store nothing or only what they look up themselves (refusals, samples posted for analysis): a database and a host per
/// test cost more than most of those tests (<see cref="SharedApiTestBase"/> for those that check nothing was stored).
/// </summary>
public sealed class SharedApi : IAsyncLifetime
{
    public TestDatabase Db { get; private set; } = null!;
    public ApiFactory Factory { get; private set; } = null!;

    /// <summary>A client that carries the API key.</summary>
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateMigratedAsync();
        Factory = new ApiFactory(Db.ConnectionString);
        Client = Factory.CreateClientWithKey();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        await Db.DisposeAsync();
    }
}
