using Runner.Core.Devices;
using Runner.Core.Hosting;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Foundation;

/// <summary>
/// libtorch from a directory at run time (RUNNER_LIBTORCH_DIR) with a worker built by -p:TorchBackend=system
/// (TorchSharp's bridge only, built once for these tests into their own artifacts folder): found and named,
/// or refused in one sentence with exit code 4.
/// </summary>
public sealed class LibTorchDirectoryTests
{
    private static readonly Lazy<Task<string>> SystemWorker = new(async () =>
    {
        var artifacts = Path.Combine(RepoPaths.Root, ".data", "system-worker");
        var build = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dotnet",
            ["build", Path.Combine(RepoPaths.Root, "Runner.Worker", "Runner.Worker.csproj"), "-c", "Release", "-p:TorchBackend=system",
             "-p:UseArtifactsOutput=true", $"-p:ArtifactsPath={artifacts}", "-v", "quiet", "-nologo"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await build.StandardOutput.ReadToEndAsync();
        await build.WaitForExitAsync();
        Assert.True(build.ExitCode == 0, $"the system-libtorch build failed:\n{output}");
        var bin = Path.Combine(artifacts, "bin", "Runner.Worker", "release");
        Assert.False(File.Exists(Path.Combine(bin, "runtimes", "linux-x64", "native", "libtorch_cpu.so")), "the system build must carry no libtorch");
        return bin;
    });

    /// <summary>The restored CPU package's native folder: a libtorch directory like any other.</summary>
    private static readonly string PackageLibTorch = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages",
        "libtorch-cpu-linux-x64", RestoredPackages.LibTorchCpu, "runtimes", "linux-x64", "native");

    private static async Task<(int Code, ChildProcess Process)> Train(string libtorch)
    {
        var process = ChildProcess.Start(await SystemWorker.Value, "Runner.Worker.dll",
            ["train", "--synthetic", "256", "--set", "epochs=1", "--set", "width=0.125", "--set", "batchSize=64"],
            new Dictionary<string, string> { [LibTorchDirectory.Variable] = libtorch });
        return (await process.WaitForExitAsync(TimeSpan.FromMinutes(2)), process);
    }

    [Fact]
    public async Task A_directory_without_libtorch_is_refused_in_one_sentence_with_exit_code_4()
    {
        var (code, process) = await Train("/nonexistent/torch/lib");
        await using (process)
        {
            Assert.Equal(StartupException.NativeLibraryExitCode, code);
            Assert.Contains(process.Stderr, line => line.Contains("RUNNER_LIBTORCH_DIR is '/nonexistent/torch/lib', which holds no libtorch"));
        }
    }

    [Fact]
    public async Task A_libtorch_directory_is_used_and_named_in_the_runs_provenance()
    {
        Assert.True(Directory.Exists(PackageLibTorch), $"the restored libtorch package is not at {PackageLibTorch}");

        var (code, process) = await Train(PackageLibTorch);
        await using (process)
        {
            Assert.True(code == 0, process.AllOutput);
            Assert.Contains($"({PackageLibTorch})", process.AllOutput); // the libtorch the run used, in its provenance
            Assert.Contains("oneDNN convolutions (at most AVX2), NNPACK off", process.AllOutput); // its kernel switches found there too
        }
    }

    [Fact]
    public void A_missing_symbol_is_named_in_one_sentence()
    {
        var sentence = LibTorchDirectory.Explain(
            "/app/libLibTorchSharp.so: undefined symbol: _ZN2at4_ops10empty_like4callERKNS_6TensorE\nmore", "the libtorch 2.4.0 at /opt/torch/lib");

        Assert.StartsWith($"TorchSharp {TorchVersions.TorchSharp()}'s bridge cannot bind to the libtorch 2.4.0 at /opt/torch/lib: it lacks the symbol _ZN2at4_ops10empty_like4callERKNS_6TensorE;", sentence);
        Assert.DoesNotContain("\n", sentence);
    }

    [Fact]
    public void The_version_is_read_from_a_distribution_or_an_installed_pytorch()
    {
        using var folder = new TempFolder();
        var lib = Directory.CreateDirectory(Path.Combine(folder.Path, "torch", "lib")).FullName;
        Assert.Equal("unknown version", LibTorchDirectory.Version(lib));
        File.WriteAllText(Path.Combine(folder.Path, "torch", "version.py"), "__version__ = '2.10.0+cu128'\ngit_version = 'x'\n");
        Assert.Equal("2.10.0+cu128", LibTorchDirectory.Version(lib));
        File.WriteAllText(Path.Combine(folder.Path, "torch", "build-version"), "2.10.0+cpu\n");
        Assert.Equal("2.10.0+cpu", LibTorchDirectory.Version(lib));
    }
}
