using System.CommandLine;
using Runner.Worker.Client;
using Runner.Worker.Serve;
using Runner.Worker.Training;

namespace Runner.Worker;

/// <summary>
/// The worker's command line: <c>serve</c> runs a Hangfire server for one device; train/bench run locally;
/// demo and the client verbs (submit, status, analysis, runs, cancel) drive the API.
/// </summary>
public static class WorkerCommands
{
    public static RootCommand Build()
    {
        var device = new Option<string?>("--device") { Description = "cpu, cuda or cuda:N (default: Worker__Device, else cpu)" };
        var serve = new Command("serve", "Run jobs from the device's queue until stopped (Ctrl+C or SIGTERM hands the current job back).")
        {
            device,
        };
        serve.SetAction((result, ct) => WorkerHost.RunAsync(result.GetValue(device), ct));

        var root = new RootCommand("Runner worker: executes training jobs on one device; and the terminal client of the API.")
        {
            serve, TrainCommand.Build(), BenchCommand.Build(), ConformanceCommand.Build(), DemoCommand.Build(), ServiceBenchCommand.Build(), ChaosBenchCommand.Build(), Statistics.SequentialBenchCommand.Build(), Statistics.FactorialBenchCommand.Build(),
        };
        foreach (var command in ClientCommands.Build())
            root.Subcommands.Add(command);
        return root;
    }
}
