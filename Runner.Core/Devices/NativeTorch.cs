using System.Runtime.InteropServices;
using Runner.Core.Hosting;
using TorchSharp;

namespace Runner.Core.Devices;

/// <summary>
/// Loads TorchSharp's native bridge up front so that a missing or unloadable libtorch is reported as one
/// sentence, not as a TypeInitializationException with a page of probing trace.
/// </summary>
public static class NativeTorch
{
    private const string GlibcxxSentence =
        "TorchSharp's native library needs libstdc++ with GLIBCXX_3.4.32 (GCC 13 or newer) but this machine's is older: run scripts/setup.sh, which installs Debian 13's libstdc++6 on Debian 12.";

    private const string NotFoundSentence =
        "TorchSharp's native libraries (libLibTorchSharp.so and libtorch) were not found next to the program: restore the worker with the libtorch-cpu-linux-x64 package (default), build it with -p:TorchBackend=cuda, or give a libtorch directory in RUNNER_LIBTORCH_DIR.";

    public static void EnsureAvailable(WorkerDevice device)
    {
        NativeAllocator.Tune();
        // TorchSharp's own loader prints its probing trace and copies the libraries around when it
        // fails, so the usual failures are found first by loading the two key libraries directly.
        if (OperatingSystem.IsLinux() && Diagnose() is { } problem)
            throw new StartupException(problem, StartupException.NativeLibraryExitCode);
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
        }
        catch (Exception e)
        {
            throw new StartupException(Explain(e), StartupException.NativeLibraryExitCode, e);
        }

        if (device.Kind == DeviceKind.Cuda)
        {
            if (!torch.cuda.is_available())
                throw new StartupException(
                    $"Device {device} was requested but CUDA is not available: build the worker with -p:TorchBackend=cuda and run it where an NVIDIA driver and GPU are visible.",
                    StartupException.NativeLibraryExitCode);
            if (device.Index >= torch.cuda.device_count())
                throw new StartupException(
                    $"Device {device} was requested but only {torch.cuda.device_count()} GPU(s) are visible (check CUDA_VISIBLE_DEVICES).",
                    StartupException.NativeLibraryExitCode);
        }
    }

    private static string? Diagnose()
    {
        var baseDir = AppContext.BaseDirectory;
        if (LibTorchDirectory.Configured is { } libtorch)
        {
            var bridge = new[] { baseDir, Path.Combine(baseDir, "runtimes", RuntimeInformation.RuntimeIdentifier, "native") }
                .Select(d => Path.Combine(d, "libLibTorchSharp.so")).FirstOrDefault(File.Exists);
            return bridge is null
                ? "TorchSharp's bridge (libLibTorchSharp.so) is not next to the program: restore the worker with the TorchSharp package."
                : LibTorchDirectory.Load(libtorch, bridge);
        }
        var dir = new[] { baseDir, Path.Combine(baseDir, "runtimes", RuntimeInformation.RuntimeIdentifier, "native") }
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "libLibTorchSharp.so")) && File.Exists(Path.Combine(d, "libtorch_cpu.so")));
        if (dir is null)
            return NotFoundSentence;
        foreach (var library in new[] { "libtorch_cpu.so", "libLibTorchSharp.so" })
        {
            try
            {
                NativeLibrary.Load(Path.Combine(dir, library));
            }
            catch (DllNotFoundException e)
            {
                return e.Message.Contains("GLIBCXX_", StringComparison.Ordinal)
                    ? GlibcxxSentence
                    : $"TorchSharp's native library {library} could not be loaded: {e.Message.Split('\n')[0].TrimEnd('.')}.";
            }
        }
        return null;
    }

    private static string Explain(Exception error)
    {
        var messages = string.Join(" | ", Flatten(error).Select(e => e.Message));
        if (messages.Contains("GLIBCXX_", StringComparison.Ordinal))
            return GlibcxxSentence;
        if (messages.Contains("LibTorchSharp", StringComparison.Ordinal) || messages.Contains("libtorch", StringComparison.OrdinalIgnoreCase))
            return NotFoundSentence;
        return $"TorchSharp's native library could not be loaded: {error.GetBaseException().Message}";
    }

    private static IEnumerable<Exception> Flatten(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            yield return e;
    }
}
