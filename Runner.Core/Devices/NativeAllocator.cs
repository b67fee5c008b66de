using System.Runtime.InteropServices;

namespace Runner.Core.Devices;

/// <summary>
/// Keeps glibc from returning libtorch's large CPU buffers to the kernel after every step. By default
/// blocks above the mmap threshold (at most 32 MiB, less than one activation tensor at batch 512) are
/// mmap-ed and unmapped on each allocation, so every step page-faults its activations in again: on the
/// development VM this spent more time in the kernel than in the convolutions (docs/benchmarks.md).
/// Serving every block from the heap and never trimming it keeps the pages mapped between steps.
/// This holds for glibc's main arena only: a thread on another arena (a Hangfire worker thread, a test
/// thread) keeps page-faulting, and a worker ran 3-4× slower that way, so worker processes start with
/// MALLOC_ARENA_MAX=1 (read by glibc at process start; setting it later does not move existing threads).
/// </summary>
public static partial class NativeAllocator
{
    private const int TrimThreshold = -1; // M_TRIM_THRESHOLD
    private const int TopPad = -2;        // M_TOP_PAD
    private const int MmapMax = -4;       // M_MMAP_MAX

    private static int _tuned;

    public const string ArenaVariable = "MALLOC_ARENA_MAX";

    public static bool Tuned { get; private set; }

    /// <summary>Whether every thread allocates from the main arena, the one the tuning serves well.</summary>
    public static bool SingleArena => Environment.GetEnvironmentVariable(ArenaVariable) == "1";

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
