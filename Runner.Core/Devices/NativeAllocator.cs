using System.Runtime.InteropServices;

namespace Runner.Core.Devices;

/// <summary>
/// Keeps glibc from returning libtorch's large CPU buffers to the kernel after every step. By default
/// blocks above the mmap threshold (at most 32 MiB, less than one activation tensor at batch 512) are
/// mmap-ed and unmapped on each allocation, so every step page-faults its activations in again: on the
/// development VM this spent more time in the kernel than in the convolutions (docs/benchmarks.md).
/// Serving every block from the heap and never trimming it keeps the pages mapped between steps.
/// </summary>
public static partial class NativeAllocator
{
    private const int TrimThreshold = -1; // M_TRIM_THRESHOLD
    private const int TopPad = -2;        // M_TOP_PAD
    private const int MmapMax = -4;       // M_MMAP_MAX

    private static int _tuned;

    public static bool Tuned { get; private set; }

    /// <summary>Once per process, on glibc; elsewhere (or on failure) the allocator is left as it is.</summary>
    public static void Tune()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref _tuned, 1) == 1)
            return;
        try
        {
            Tuned = Mallopt(MmapMax, 0) == 1
                    & Mallopt(TrimThreshold, int.MaxValue) == 1
                    & Mallopt(TopPad, 256 << 20) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Tuned = false; // not glibc (musl): nothing to tune
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "mallopt")]
    private static partial int Mallopt(int parameter, int value);
}
