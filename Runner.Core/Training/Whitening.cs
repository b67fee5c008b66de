using TorchSharp;
using static TorchSharp.torch;

namespace Runner.Core.Training;

/// <summary>
/// Input-patch whitening (docs/recipe.md): the 27 filters of a fixed 3×3 conv are the eigenvectors of the
/// (not mean-centred) covariance of all 3×3×3 patches of the sample, largest eigenvalue first, each
/// divided by √(λ + ε).
/// </summary>
public static class Whitening
{
    /// <summary>Every 3×3 patch (stride 1, no padding) of N×3×H×W images as rows of 27 values in (c, kh, kw) order.</summary>
    public static Tensor Patches(Tensor images) =>
        images.unfold(2, 3, 1).unfold(3, 3, 1).permute(0, 2, 3, 1, 4, 5).reshape(-1, 27).to(ScalarType.Float64);

    public static Tensor Covariance(Tensor patches) => patches.t().matmul(patches) / (patches.shape[0] - 1);

    /// <summary>The 27×3×3×3 filter bank, in fp32, on the images' device.</summary>
    public static Tensor Filter(Tensor images, double epsilon)
    {
        using var scope = NewDisposeScope();
        var (eigenvalues, eigenvectors) = linalg.eigh(Covariance(Patches(images)));
        var order = arange(26, -1, -1, device: eigenvalues.device);
        var values = eigenvalues.index_select(0, order);
        var vectors = eigenvectors.t().index_select(0, order);
        var filters = vectors / (values + epsilon).sqrt().unsqueeze(1);
        return filters.reshape(27, 3, 3, 3).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
