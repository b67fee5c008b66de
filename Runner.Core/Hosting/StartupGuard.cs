namespace Runner.Core.Hosting;

/// <summary>Runs a process's main work and turns a <see cref="StartupException"/> into one line and an exit code.</summary>
public static class StartupGuard
{
    public static async Task<int> RunAsync(Func<Task<int>> main)
    {
        try
        {
            return await main();
        }
        catch (StartupException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return e.ExitCode;
        }
    }
}
