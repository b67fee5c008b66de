using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Runner.Core.Hosting;

public static class RunnerLogging
{
    /// <summary>
    /// One line per event on the console; <c>Logging__Console__FormatterName=json</c> switches to JSON
    /// lines (structured fields for log collectors), as the compose file does.
    /// </summary>
    public static ILoggingBuilder AddRunnerConsole(this ILoggingBuilder logging)
    {
        logging.AddConsole();
        logging.Services.Configure<SimpleConsoleFormatterOptions>(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        logging.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        return logging;
    }
}
