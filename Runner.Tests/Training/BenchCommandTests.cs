using Runner.Tests.Infrastructure;

namespace Runner.Tests.Training;

/// <summary>`bench` at the smallest scale: every round timed and named, and the table's ratio the median of the rounds'.</summary>
public sealed class BenchCommandTests
{
    [Fact]
    public async Task Bench_reports_the_median_ratio_of_its_rounds()
    {
        await using var process = ChildProcess.Start(RepoPaths.WorkerDirectory, "Runner.Worker.dll",
            ["bench", "--synthetic", "256", "--set", "epochs=1", "--set", "width=0.125", "--set", "batchSize=64", "--rounds", "3"], new Dictionary<string, string>());
        Assert.True(await process.WaitForExitAsync(TimeSpan.FromMinutes(2)) == 0, process.AllOutput);

        var ratios = process.Stderr.Where(l => l.StartsWith("round ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(3, ratios.Count);
        var table = System.Text.RegularExpressions.Regex.Replace(string.Join(' ', process.Stdout), @"\s+", " "); // the table wraps long cells
        Assert.Contains($"loop / floor {ratios[1]:F3}, median of 3 rounds (range {ratios[0]:F3} to {ratios[2]:F3})", table);
    }
}
