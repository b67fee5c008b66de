using System.CommandLine;
using System.Globalization;
using Runner.Core.Factorial;
using Spectre.Console;

namespace Runner.Worker.Statistics;

/// <summary>
/// `bench-factorial`: what a factorial batch saves against leave-one-out, in simulation: the 2^(9−4) resolution IV
/// design for the nine tricks of the sequential benchmark's study, with 1 to N seeds (blocks), its discoveries per
/// batch, its family-wise error under the null and how often it finds an interaction.
/// </summary>
public static class FactorialBenchCommand
{
    private const double Sd = 0.0015;
    private const double BlockSd = 0.001;

    /// <summary>The study of the sequential benchmark: nine tricks worth 0.5, 0.4, 0.3, 0.3, 0.2, 0.2, 0.1, 0.1 and 0 points.</summary>
    private static readonly double[] Study = [0.005, 0.004, 0.003, 0.003, 0.002, 0.002, 0.001, 0.001, 0];

    /// <summary>Found per batch by the fixed leave-one-out design with Holm at 500 runs (bench-sequential, docs/benchmarks.md).</summary>
    private const double LeaveOneOutDiscoveries = 7.685;
    private const int LeaveOneOutRuns = 500;

    public static Command Build()
    {
        var batches = new Option<int>("--batches") { Description = "Simulated batches per case", DefaultValueFactory = _ => 20_000 };
        var maxSeeds = new Option<int>("--max-seeds") { Description = "Seeds per configuration to try, from 1", DefaultValueFactory = _ => 6 };
        var command = new Command("bench-factorial", "Simulate what a 2^(9−4) factorial batch finds against leave-one-out") { batches, maxSeeds };
        command.SetAction(result =>
        {
            var n = result.GetValue(batches);
            var design = MinimumAberration.Find(9, 4, maxRuns: 1024).Design!;
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 180);
            var table = new Table().AddColumns("seeds", "runs", "discoveries (of 8)", "power per trick", "family-wise error (null)", "interaction found");
            int? enough = null;
            for (var seeds = 1; seeds <= result.GetValue(maxSeeds); seeds++)
            {
                var study = FactorialSimulation.Run(design, Study, null, Sd, BlockSd, seeds, n, seed: 2026);
                var none = FactorialSimulation.Run(design, new double[9], null, Sd, BlockSd, seeds, n, seed: 2027);
                var together = FactorialSimulation.Run(design, new double[9], new FactorialSimulation.Interaction(0, 1, 0.003), Sd, BlockSd, seeds, n, seed: 2028);
                if (enough is null && study.Discoveries >= LeaveOneOutDiscoveries)
                    enough = seeds;
                table.AddRow(seeds.ToString(CultureInfo.InvariantCulture), study.Runs.ToString(CultureInfo.InvariantCulture),
                    study.Discoveries.ToString("F3", CultureInfo.InvariantCulture),
                    string.Join(" ", study.Power.Select(p => p.ToString("P0", CultureInfo.InvariantCulture))),
                    none.FamilyWiseError.ToString("P2", CultureInfo.InvariantCulture),
                    $"{together.InteractionFound?.ToString("P1", CultureInfo.InvariantCulture)} ({together.InteractionChain})");
            }
            AnsiConsole.Write(table);
            Console.WriteLine($"{design.Describe()}, generators {string.Join(", ", design.Generators)}; {n} simulated batches per case; σ = {Sd * 100} points, a block per seed (σ {BlockSd * 100} points); "
                + "Holm across the main effects and across the interaction chains, α = 0.05. Study: main effects 0.5, 0.4, 0.3, 0.3, 0.2, 0.2, 0.1, 0.1, 0 points; null: all 0; "
                + "interaction: A and B worth nothing alone and 0.3 points together.");
            Console.WriteLine(enough is { } r
                ? $"Fewest seeds finding at least as many real effects as leave-one-out with Holm ({LeaveOneOutDiscoveries} of 8 at {LeaveOneOutRuns} runs): {r}, {r * design.Runs} runs ({(double)r * design.Runs / LeaveOneOutRuns:P0} of leave-one-out's)."
                : $"No seed count up to {result.GetValue(maxSeeds)} finds {LeaveOneOutDiscoveries} of 8 real effects per batch.");
            return 0;
        });
        return command;
    }
}
