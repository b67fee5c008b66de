using Hangfire.AspNetCore;
using Hangfire.Logging;
using Microsoft.Extensions.Logging;

namespace Runner.Core.Queueing;

/// <summary>
/// Hangfire's logs through a host's logging. Hangfire keeps one log provider per process and asks it for loggers as it
/// builds its objects, also after the host that set it has stopped (a shutting-down API; the tests' other APIs in the same
/// process): a logger asked of a disposed logging factory is then one that logs nothing instead of an exception.
/// </summary>
public sealed class HangfireLogProvider(ILoggerFactory factory) : ILogProvider
{
    private readonly AspNetCoreLogProvider _host = new(factory);

    public ILog GetLogger(string name)
    {
        try
        {
            return _host.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return Silent.Log;
        }
    }

    private sealed class Silent : ILog
    {
        public static readonly Silent Log = new();

        bool ILog.Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception) => false;
    }
}
