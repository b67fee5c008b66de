using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Runner.Core.Devices;

/// <summary>
/// libtorch taken from a directory at run time (<c>RUNNER_LIBTORCH_DIR</c>: a libtorch distribution's
/// <c>lib/</c>, or an installed PyTorch's <c>torch/lib</c>) instead of a NuGet package: for machines with
/// PyTorch already installed or a CUDA version the packages do not carry. Build the worker with
/// <c>-p:TorchBackend=system</c> (TorchSharp's bridge only). The libraries are loaded before the bridge, so
/// that the bridge's dependencies resolve to them by name.
/// </summary>
public static partial class LibTorchDirectory
{
    public const string Variable = "RUNNER_LIBTORCH_DIR";

    // Dependencies first: the bridge needs libtorch, which needs c10 and the CPU (and CUDA) parts.
    private static readonly string[] Libraries = ["libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch.so"];

    public static string? Configured => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } dir ? dir : null;

    /// <summary>The version of the libtorch in <paramref name="directory"/>: a distribution's build-version, or PyTorch's version.py beside it.</summary>
    public static string Version(string directory)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(directory).TrimEnd('/')) ?? directory;
        if (File.Exists(Path.Combine(parent, "build-version")))
            return File.ReadAllText(Path.Combine(parent, "build-version")).Trim();
        if (File.Exists(Path.Combine(parent, "version.py")) && VersionLine().Match(File.ReadAllText(Path.Combine(parent, "version.py"))) is { Success: true } m)
            return m.Groups[1].Value;
        return "unknown version";
    }

    /// <summary>Loads the directory's libraries and then the bridge; the problem in one sentence, or null.</summary>
    public static string? Load(string directory, string bridge)
    {
        if (!Directory.Exists(directory) || !File.Exists(Path.Combine(directory, "libtorch_cpu.so")))
            return $"{Variable} is '{directory}', which holds no libtorch (libtorch_cpu.so): give the lib/ folder of a libtorch distribution or an installed PyTorch's torch/lib.";
        var found = $"the libtorch {Version(directory)} at {directory}";
        foreach (var library in Libraries.Select(l => Path.Combine(directory, l)).Where(File.Exists))
        {
            try
            {
                NativeLibrary.Load(library);
            }
            catch (DllNotFoundException e)
            {
                return $"{found} could not be loaded: {FirstLine(e.Message)}.";
            }
        }
        try
        {
            NativeLibrary.Load(bridge);
            return null;
        }
        catch (DllNotFoundException e)
        {
            return Explain(e.Message, found);
        }
    }

    /// <summary>Why the bridge would not bind to the directory's libtorch, in one sentence naming the missing symbol when that is the cause.</summary>
    public static string Explain(string loaderMessage, string found) =>
        MissingSymbol().Match(loaderMessage) is { Success: true } m
            ? $"TorchSharp {TorchVersions.TorchSharp()}'s bridge cannot bind to {found}: it lacks the symbol {m.Groups[1].Value}; use the libtorch version this TorchSharp was built for (see docs/gpu.md)."
            : $"TorchSharp's bridge could not be loaded with {found}: {FirstLine(loaderMessage)}.";

    private static string FirstLine(string message) => message.Split('\n')[0].TrimEnd('.');

    [GeneratedRegex(@"undefined symbol: (\S+)")]
    private static partial Regex MissingSymbol();

    [GeneratedRegex(@"__version__\s*=\s*['""]([^'""]+)['""]")]
    private static partial Regex VersionLine();
}
