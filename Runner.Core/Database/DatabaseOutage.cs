using Microsoft.Extensions.Logging;

namespace Runner.Core.Database;

/// <summary>
/// A run's writes must land even when PostgreSQL restarts under it: a write that finds the database
/// away (<see cref="DatabaseProblem.IsUnavailable"/>) is tried again with growing pauses for up to
/// <see cref="Patience"/>, while the training waits; any other error, or a longer outage, is thrown as usual.
/// </summary>
public static class DatabaseOutage
{
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(5);

    public static async Task<T> RideOutAsync<T>(Func<Task<T>> write, ILogger logger, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        for (var pause = FirstPause; ; pause = Next(pause))
        {
            try
            {
                return await write();
            }
            catch (Exception e) when (DatabaseProblem.IsUnavailable(e) && DateTime.UtcNow + pause < deadline)
            {
                logger.LogWarning("Database unavailable while writing {What} ({Error}); trying again in {Pause} s", what, e.GetBaseException().Message, pause.TotalSeconds);
                await Task.Delay(pause);
            }
        }
    }

    public static T RideOut<T>(Func<T> write, ILogger logger, string what) =>
        RideOutAsync(() => Task.FromResult(write()), logger, what).GetAwaiter().GetResult();

    private static TimeSpan Next(TimeSpan pause) => pause * 2 < LongestPause ? pause * 2 : LongestPause;
}
