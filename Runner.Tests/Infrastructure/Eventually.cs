namespace Runner.Tests.Infrastructure;

/// <summary>
/// Polling for what the service does in the background: waits until a condition holds, and on timeout fails with what it
/// waited for and the diagnostics (a worker's output, the last state seen).
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(200);

    public static async Task Holds(string what, Func<Task<bool>> condition, TimeSpan timeout, Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}, in vain.\n{diagnostics?.Invoke()}");
            await Task.Delay(Every);
        }
    }

    public static Task Holds(string what, Func<bool> condition, TimeSpan timeout, Func<string>? diagnostics = null) =>
        Holds(what, () => Task.FromResult(condition()), timeout, diagnostics);

    /// <summary>The last value read once it satisfies the condition; the timeout's message shows the last one seen.</summary>
    public static async Task<T> Reads<T>(string what, Func<Task<T>> read, Func<T, bool> condition, TimeSpan timeout, Func<string>? diagnostics = null)
    {
        var value = await read();
        await Holds(what, async () => condition(value) || condition(value = await read()), timeout, () => $"last seen: {Describe(value)}\n{diagnostics?.Invoke()}");
        return value;
    }

    /// <summary>Until the batch is no longer queued or running (its status read from the database).</summary>
    public static Task BatchFinished(TestDatabase db, long batchId, TimeSpan timeout, Func<string>? diagnostics = null) =>
        Holds($"batch {batchId} to finish", async () => await db.ScalarAsync<string>($"select status from batches where id = {batchId}") is not ("queued" or "running"),
            timeout, diagnostics);

    /// <summary>
    /// Until no Hangfire job is being created, waits in a queue or is being processed: a run is stored before its job returns,
    /// so a batch may read finished while its last job is still Processing.
    /// </summary>
    public static Task JobsSettled(TestDatabase db, TimeSpan timeout, Func<string>? diagnostics = null) =>
        Holds("every Hangfire job to settle", async () => await db.ScalarAsync<long>(
                "select count(*) from hangfire.job where statename is null or statename in ('Enqueued', 'Processing')") == 0,
            timeout, diagnostics);

    private static string Describe<T>(T value) => value is System.Text.Json.Nodes.JsonNode node ? node.ToJsonString() : value?.ToString() ?? "null";
}
