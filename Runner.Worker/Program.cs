using System.CommandLine;
using Runner.Core.Hosting;

namespace Runner.Worker;

public static class Program
{
    public static Task<int> Main(string[] args) =>
        StartupGuard.RunAsync(() => WorkerCommands.Build().Parse(args).InvokeAsync(
            new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TimeSpan.FromMinutes(2) }));
}
