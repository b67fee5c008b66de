namespace Runner.Tests.Infrastructure;

/// <summary>
/// The API as a real process on a free loopback port, started on a test database and ready once it listens: for tests
/// that need its address (the terminal client, a browser) rather than the in-process test server.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private ApiProcess(string url, ChildProcess process) => (Url, Process) = (url, process);

    public string Url { get; }

    public ChildProcess Process { get; }

    public static async Task<ApiProcess> StartAsync(string connectionString)
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var process = ChildProcess.Start(RepoPaths.ApiDirectory, "Runner.Api.dll", ["--urls", url], new Dictionary<string, string> { ["ConnectionStrings__Runner"] = connectionString });
        await process.WaitForOutputAsync("Now listening", TimeSpan.FromSeconds(60));
        return new ApiProcess(url, process);
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
