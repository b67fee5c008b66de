using TorchSharp;

namespace Runner.Core.Devices;

/// <summary>
/// A worker's numerics settings on CUDA, part of every run's provenance: TensorFloat-32 for fp32 matrix
/// products (cuBLAS) and convolutions (cuDNN), off by default so that fp32 means fp32 (the reference's V100
/// had no TF32; fp16 runs are not affected). cuDNN's algorithm search (benchmark mode) stays at libtorch's
/// default, off: TorchSharp 0.107 has no setter for it, and the record says so.
/// </summary>
public static class CudaNumerics
{
    public static void Apply(bool tf32)
    {
        if (!torch.cuda.is_available())
            return;
        torch.backends.cuda.matmul.allow_tf32 = tf32;
        torch.backends.cudnn.allow_tf32 = tf32;
    }

    /// <summary>The settings in force, as stored on each CUDA run ("tf32 off (matmul), off (cudnn); cudnn benchmark off (libtorch default)").</summary>
    public static string Describe() =>
        $"tf32 {OnOff(torch.backends.cuda.matmul.allow_tf32)} (matmul), {OnOff(torch.backends.cudnn.allow_tf32)} (cudnn); cudnn benchmark off (libtorch default)";

    private static string OnOff(bool on) => on ? "on" : "off";
}
