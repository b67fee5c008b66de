using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MathNet.Numerics.Statistics;
using Runner.Core.Statistics;
using Runner.Core.Validation;
using Spectre.Console;

namespace Runner.Worker.Statistics;

/// <summary>
/// `bench-sequential`: the cost of computing boundaries, and what sequential designs save in simulation:
/// the expected seeds per arm of the test cases and a leave-one-out study of nine tricks.
/// </summary>
public static class SequentialBenchCommand
{
    private const double Sd = 0.0015;

    public static Command Build()
    {
        var batches = new Option<int>("--batches") { Description = "Simulated batches per case", DefaultValueFactory = _ => 20_000 };
        var command = new Command("bench-sequential", "Time group-sequential boundaries and simulate what sequential batches save") { batches };
        command.SetAction(result =>
        {
            var n = result.GetValue(batches);
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 180); // the case table is wide; keep it readable in a log
            var timing = new Table().AddColumns("boundaries", "n", "median", "p95");
            foreach (var (count, spending) in new[] { (5, Spending.OBrienFleming), (10, Spending.OBrienFleming), (10, Spending.Pocock) })
            {
                var fractions = GroupSequential.EqualFractions(count);
                GroupSequential.Boundaries(fractions, 0.05, spending);
                var ms = Enumerable.Range(0, 200).Select(_ =>
                {
                    var clock = Stopwatch.StartNew();
                    GroupSequential.Boundaries(fractions, 0.05, spending);
                    return clock.Elapsed.TotalMilliseconds;
                }).ToList();
                timing.AddRow($"{count} looks, {JsonNames.Of(spending)}", "200",
                    Format(ms.Median(), "ms"), Format(ms.QuantileCustom(0.95, QuantileDefinition.R7), "ms"));
            }
            AnsiConsole.Write(timing);

            var cases = new Table().AddColumns("case", "runs (fixed)", "saved", "discoveries (fixed α/m; Holm)", "seeds per arm", "better", "equivalent", "fixed design's power");
            void Case(string name, SequentialDesign design, double[] effects)
            {
                var s = SequentialSimulation.Run(design, effects, Sd, n, seed: 2026);
                // Discoveries: arms with a real effect declared better, per batch on average, against the fixed design's (Bonferroni and Holm).
                var real = Enumerable.Range(0, effects.Length).Where(i => effects[i] > 0).ToList();
                cases.AddRow(name, $"{s.MeanRuns:F1} ({s.FixedRuns})", $"{s.RunsSaved:P1}",
                    string.Create(CultureInfo.InvariantCulture, $"{real.Sum(i => s.Arms[i].Better):F3} ({real.Sum(i => s.FixedPower[i]):F3}; {real.Sum(i => s.FixedHolmPower[i]):F3})"),
                    string.Join(" ", s.Arms.Select(a => a.MeanSeeds.ToString("F1", CultureInfo.InvariantCulture))),
                    string.Join(" ", s.Arms.Select(a => a.Better.ToString("P0", CultureInfo.InvariantCulture))),
                    string.Join(" ", s.Arms.Select(a => a.Equivalent.ToString("P0", CultureInfo.InvariantCulture))),
                    string.Join(" ", s.FixedPower.Select(p => p.ToString("P0", CultureInfo.InvariantCulture))));
            }
            var looks = SequentialDesign.EvenLooks(5, 50);
            foreach (var arms in new[] { 2, 4 })
                foreach (var effect in new[] { 0.0, 0.0005, 0.001, 0.002 })
                    Case($"{arms} arms, Δ {effect * 100:0.##} points", new SequentialDesign(looks, Spending.OBrienFleming, 0.05, arms, null), Enumerable.Repeat(effect, arms).ToArray());
            double[] study = [0.005, 0.004, 0.003, 0.003, 0.002, 0.002, 0.001, 0.001, 0];
            Case("leave-one-out, 9 arms", new SequentialDesign(looks, Spending.OBrienFleming, 0.05, 9, null), study);
            foreach (var margin in new[] { 0.001, 0.0015, 0.002 })
                Case($"leave-one-out, 9 arms, margin {margin * 100:0.##} points", new SequentialDesign(looks, Spending.OBrienFleming, 0.05, 9, margin), study);
            Case("leave-one-out, 9 arms, Pocock-type", new SequentialDesign(looks, Spending.Pocock, 0.05, 9, null), study);
            AnsiConsole.Write(cases);
            Console.WriteLine($"{n} simulated batches per case; σ = {Sd * 100} points; looks at {string.Join(", ", looks)} seeds; O'Brien–Fleming-type spending unless the case says Pocock-type; family-wise α = 0.05 split over the arms, recycled from arms shown different when there is no margin.");
            return 0;
        });
        return command;
    }

    private static string Format(double value, string unit) => string.Create(CultureInfo.InvariantCulture, $"{value:F2} {unit}");
}
