using TorchSharp;
using static TorchSharp.torch;

namespace Runner.Core.Training;

/// <summary>
/// Input-patch whitening (docs/recipe.md): the filters of a fixed conv are the eigenvectors of the (not mean-centred)
/// second-moment matrix of all k×k×3 patches of the sample, largest eigenvalue first, each divided by √(λ + ε).
/// ResNet-9's are 27 3×3 filters; airbench's are 12 2×2 filters and their negations. The sums are accumulated in
/// float64: airbench's float32 sum of 4.8 million outer products leaves eigenvalues below zero on the CPU
/// (docs/recipe.md, "Numerics"), and the filters are cast to float32 after the division.
/// </summary>
public static class Whitening
{
    /// <summary>Every k×k patch (stride 1, no padding) of N×3×H×W images as rows of 3·k·k values in (c, kh, kw) order, in float64.</summary>
    public static Tensor Patches(Tensor images, int kernel = 3) =>
        images.unfold(2, kernel, 1).unfold(3, kernel, 1).permute(0, 2, 3, 1, 4, 5).reshape(-1, 3 * kernel * kernel).to(ScalarType.Float64);

    /// <summary>The second-moment matrix divided by n − 1 (cifar10-fast's).</summary>
    public static Tensor Covariance(Tensor patches) => patches.t().matmul(patches) / (patches.shape[0] - 1);

    /// <summary>ResNet-9's 27×3×3×3 filter bank, in fp32, on the images' device.</summary>
    public static Tensor Filter(Tensor images, double epsilon)
    {
        using var scope = NewDisposeScope();
        return Scaled(Covariance(Patches(images)), epsilon).reshape(27, 3, 3, 3).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// airbench's 24×3×2×2 filter bank, in fp32: the 12 scaled eigenvectors of the patches' second moment divided by n
    /// (airbench's), then their negations, so that the activation after the conv loses nothing. Each eigenvector's sign,
    /// which eigh leaves to the LAPACK build, is fixed: its largest component positive. Below full width the dirac
    /// init passes only the first filters' halves on, so the signs change accuracy (docs/recipe.md, "Numerics").
    /// </summary>
    public static Tensor PatchFilters(Tensor images, double epsilon)
    {
        using var scope = NewDisposeScope();
        var patches = Patches(images, kernel: 2);
        var filters = Scaled(patches.t().matmul(patches) / patches.shape[0], epsilon);
        filters = (filters * filters.gather(1, filters.abs().argmax(1, keepdim: true)).sign()).reshape(12, 3, 2, 2);
        return cat([filters, -filters]).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>Each eigenvector of the symmetric <paramref name="moments"/> as a row divided by √(λ + ε), largest λ first.</summary>
    private static Tensor Scaled(Tensor moments, double epsilon)
    {
        var (eigenvalues, eigenvectors) = linalg.eigh(moments);
        var order = arange(moments.shape[0] - 1, -1, -1, device: eigenvalues.device);
        var values = eigenvalues.index_select(0, order);
        var vectors = eigenvectors.t().index_select(0, order);
        return vectors / (values + epsilon).sqrt().unsqueeze(1);
    }
}
