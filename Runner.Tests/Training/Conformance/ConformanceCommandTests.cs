using System.Text.RegularExpressions;
using Runner.Core.Devices;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Training.Conformance;

/// <summary>The worker's `conformance` verb, which the prepared GPU check runs on CUDA: here on the CPU, from the images it carries.</summary>
public sealed class ConformanceCommandTests
{
    private static async Task<(int ExitCode, string Output)> Worker(params string[] args)
    {
        await using var process = ChildProcess.Start(RepoPaths.WorkerDirectory, "Runner.Worker.dll", args,
            new Dictionary<string, string> { [NativeAllocator.ArenaVariable] = "1" });
        return (await process.WaitForExitAsync(TimeSpan.FromMinutes(4)), process.AllOutput);
    }

    [Fact]
    public async Task The_verb_checks_a_trajectory_from_the_images_it_saved_and_every_quantity_is_within_its_bound()
    {
        using var folder = new TempFolder();
        var inputs = Path.Combine(folder.Path, "inputs.bin");

        string[] data = File.Exists(SharedCifar.ArchivePath) ? ["--data", SharedCifar.ArchivePath] : [];

        var (saved, saveOutput) = await Worker(["conformance", "--golden", Golden.Set.Folder, .. data, "--save-inputs", inputs]);
        var (checkedExit, output) = await Worker("conformance", "--golden", Golden.Set.Folder, "--inputs", inputs, "--trajectory", "baseline");

        Assert.True(saved == 0, saveOutput);
        Assert.Equal((Golden.Set.TrainImages + Golden.Set.TestImages) * 3073L, new FileInfo(inputs).Length);
        Assert.True(checkedExit == 0, output);
        Assert.Contains("baseline, first step: ", output);
        Assert.Contains("baseline, along the run: 25 quantities", output);
        Assert.DoesNotContain("DIVERGES", output);
        Assert.DoesNotContain("final,", output);

        // The free run alone: the final stage's 24 steps from the original's start stay within its float32 noise (the checks
        // above), so each epoch's loss is the original's to about 1e-3 and the accuracy on the 1,000 test images (near chance:
        // the EMA still close to the initial network) within a few images of it.
        var (freeExit, freeOutput) = await Worker("conformance", "--golden", Golden.Set.Folder, "--inputs", inputs, "--trajectory", "final", "--free-run");
        Assert.True(freeExit == 0, freeOutput);
        Assert.Contains("final, free run from the original's start and batches:", freeOutput);
        var epochs = Regex.Matches(freeOutput, @"epoch \d: training loss (\d\.\d{5}) \(original (\d\.\d{5})\)");
        Assert.Equal(4, epochs.Count);
        Assert.All(epochs, e => Assert.InRange(double.Parse(e.Groups[1].Value) - double.Parse(e.Groups[2].Value), -0.01, 0.01));
        var accuracy = Regex.Match(freeOutput, @"test accuracy ([\d.]+) % \(original ([\d.]+) %\)");
        var original = (double)Golden.Set.Manifest["trajectories"]!["final"]!["evalAccuracy"]!;
        Assert.Contains($"(original {original:P2})", freeOutput);
        Assert.InRange(double.Parse(accuracy.Groups[1].Value) - 100 * original, -1, 1);
    }

    [Theory]
    [InlineData("--golden", "/nonexistent", "--golden: /nonexistent has no manifest.json")]
    [InlineData("--trajectory", "middle", "--trajectory: 'middle' is not one of baseline, final.")]
    public async Task Bad_options_are_one_sentence_and_exit_code_2(string option, string value, string message)
    {
        var args = option == "--golden" ? new[] { "conformance", option, value } : ["conformance", "--golden", Golden.Set.Folder, option, value];

        var (exit, output) = await Worker(args);

        Assert.Equal(2, exit);
        Assert.Contains(message, output);
    }
}
