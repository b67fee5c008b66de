namespace Runner.Tests.Infrastructure;

/// <summary>
/// A test class on one shared database and API (<see cref="SharedApi"/>) whose tests check that what they send stores nothing.
/// A class's tests run one after another, so each compares the count of batches, runs and Hangfire jobs with the count at its start.
/// </summary>
public abstract class SharedApiTestBase(SharedApi api) : IClassFixture<SharedApi>, IAsyncLifetime
{
    private long _storedBefore;

    protected HttpClient Client => api.Client;

    public async Task InitializeAsync() => _storedBefore = await Stored();

    public Task DisposeAsync() => Task.CompletedTask;

    protected async Task AssertNothingStored() => Assert.Equal(_storedBefore, await Stored());

    private Task<long> Stored() =>
        api.Db.ScalarAsync<long>("select (select count(*) from batches) + (select count(*) from runs) + (select count(*) from hangfire.job)");
}
