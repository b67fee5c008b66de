using System.CommandLine;
using Runner.Core.Hosting;
using Runner.Worker;

return await StartupGuard.RunAsync(() => WorkerCommands.Build().Parse(args).InvokeAsync(
    new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TimeSpan.FromMinutes(2) }));
