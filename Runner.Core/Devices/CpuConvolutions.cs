using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Runner.Core.Recipes;

namespace Runner.Core.Devices;

/// <summary>
/// Which kernels run a network's convolutions on the CPU. libtorch 2.10's oneDNN convolutions read memory they never
/// wrote when a channel count is not a multiple of their vector width, and give NaN or outputs 20–50% off
/// (docs/benchmarks.md, "oneDNN's convolutions on the CPU"): with AVX-512 every count that is not a multiple of 16
/// (airbench's 24 whitened channels, the 8 channels of width ×1/8), with AVX2 every count that is not a multiple of 8.
/// So every process caps oneDNN at AVX2, and a network with a channel count that is not a multiple of 8 runs on ATen's
/// own convolutions (im2col and a matrix product: right on every shape tried, about half as fast). The networks' fixed
/// counts are safe: airbench's 24 whitened channels are a multiple of 8, and ResNet-9's 27 only feed a 1×1 convolution,
/// right at every count tried; the images' 3 channels need no input gradient, the only thing wrong with them.
/// NNPACK, ATen's other choice, stays off: on a CPU it does not support it prints a warning at every convolution.
/// </summary>
public static unsafe partial class CpuConvolutions
{
    /// <summary>The channel multiple oneDNN gets right under the AVX2 cap.</summary>
    public const int ChannelMultiple = 8;

    private const string CapVariable = "ONEDNN_MAX_CPU_ISA";
    private const string Cap = "AVX2";

    private static bool _capped;

    private const string Library = "libtorch_cpu.so";
    private const string GlobalContext = "_ZN2at13globalContextEv";                  // at::globalContext()
    private const string SetMkldnn = "_ZN2at7Context20setUserEnabledMkldnnEb";       // at::Context::setUserEnabledMkldnn(bool)
    private const string SetNnpack = "_ZN2at7Context20setUserEnabledNNPACKEb";       // at::Context::setUserEnabledNNPACK(bool)

    /// <summary>
    /// oneDNN reads its cap once, at its first convolution, so it is set as this assembly loads, before any network runs.
    /// </summary>
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "The one point every process that trains passes before its first convolution.")]
    internal static void CapOneDnn()
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            _capped = SetEnvironment(CapVariable, Cap, 1) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _capped = false; // not glibc (musl): every network runs on ATen's convolutions
        }
    }

    /// <summary>Whether oneDNN runs this recipe's convolutions right: under the cap, with every channel count a multiple of 8.</summary>
    public static bool OneDnnFor(Recipe recipe) => _capped && recipe.Channels.All(c => c % ChannelMultiple == 0);

    /// <summary>
    /// Chooses the kernels for the recipe's network. libtorch's switches are process-wide (a worker runs one network at a
    /// time) and read at every convolution, forward and backward.
    /// </summary>
    public static void Use(Recipe recipe)
    {
        if (Switches.Value is not { } s)
            return;
        ((delegate* unmanaged<nint, byte, void>)s.SetMkldnn)(s.Context, OneDnnFor(recipe) ? (byte)1 : (byte)0);
        ((delegate* unmanaged<nint, byte, void>)s.SetNnpack)(s.Context, 0);
    }

    /// <summary>The kernels <see cref="Use"/> chooses for the recipe, as stored on each CPU run.</summary>
    public static string Describe(Recipe recipe) =>
        Switches.Value is null ? "libtorch's default convolutions (its oneDNN and NNPACK switches were not found)"
        : OneDnnFor(recipe) ? $"oneDNN convolutions (at most {Cap}), NNPACK off"
        : _capped ? $"ATen convolutions (oneDNN off: a channel count is not a multiple of {ChannelMultiple}), NNPACK off"
        : $"ATen convolutions (oneDNN off: its cap at {Cap} could not be set), NNPACK off";

    private sealed record ContextSwitches(nint Context, nint SetMkldnn, nint SetNnpack);

    /// <summary>
    /// libtorch has the switches (torch.backends.mkldnn.enabled and torch.backends.nnpack.enabled in Python) but
    /// TorchSharp does not bind them, so they are found by their C++ names, once libtorch is loaded (a network is built
    /// after its data are on the device).
    /// </summary>
    private static readonly Lazy<ContextSwitches?> Switches = new(() =>
        NativeLibrary.TryLoad(Library, out var library)
        && NativeLibrary.TryGetExport(library, GlobalContext, out var globalContext)
        && NativeLibrary.TryGetExport(library, SetMkldnn, out var setMkldnn)
        && NativeLibrary.TryGetExport(library, SetNnpack, out var setNnpack)
            ? new ContextSwitches(((delegate* unmanaged<nint>)globalContext)(), setMkldnn, setNnpack)
            : null);

    [LibraryImport("libc.so.6", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvironment(string name, string value, int overwrite);
}
