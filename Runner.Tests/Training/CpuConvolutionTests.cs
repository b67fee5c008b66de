using Runner.Core.Devices;
using Runner.Core.Recipes;
using Runner.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Runner.Tests.Training;

/// <summary>
/// The kernels <see cref="CpuConvolutions"/> chooses compute every convolution of a network right: output, weight
/// gradient and input gradient against float64, with the memory they might read unwritten filled with NaN first
/// (libtorch's oneDNN kernels read such memory at some channel counts; docs/benchmarks.md).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class CpuConvolutionTests
{
    [Theory]
    [InlineData("tta", 0.125)]       // 8, 16, 32, 64 channels: oneDNN
    [InlineData("airbench94", 0.125)] // 24 whitened channels into 8, then 8 and 32: oneDNN
    [InlineData("tta", 0.3)]         // 19, 38, 77, 154 channels: ATen
    [InlineData("airbench94", 0.3)]  // 24 into 19, then 19 and 77: ATen
    public void Every_convolution_of_the_network_is_right_with_the_kernels_chosen(string preset, double width)
    {
        var recipe = Presets.Find(preset)!.Recipe with { Width = width };
        var first = recipe.Network == Network.Airbench ? 24 : recipe.Channels[0];
        var shapes = new List<(int In, int Out)> { (first, recipe.Channels[0]) };
        foreach (var (before, after) in recipe.Channels.Zip(recipe.Channels.Skip(1)))
            shapes.AddRange([(before, before), (before, after)]);
        shapes.Add((recipe.Channels[^1], recipe.Channels[^1]));

        CpuConvolutions.Use(recipe);

        foreach (var (inChannels, outChannels) in shapes)
            for (var trial = 0; trial < 3; trial++)
            {
                using var scope = NewDisposeScope();
                full(4_000_000, double.NaN).Dispose(); // leaves NaN where the next tensors are allocated
                var x = randn(16, inChannels, 12, 12).requires_grad_(true);
                var weight = randn(outChannels, inChannels, 3, 3).mul_(0.1).requires_grad_(true);
                var y = F.conv2d(x, weight, padding: [1, 1]);
                var upstream = randn_like(y);
                (y * upstream).sum().backward();

                var x64 = x.detach().to(float64).requires_grad_(true);
                var weight64 = weight.detach().to(float64).requires_grad_(true);
                var y64 = F.conv2d(x64, weight64, padding: [1, 1]);
                (y64 * upstream.to(float64)).sum().backward();

                var shape = $"{preset} ×{width}: {inChannels}→{outChannels}";
                AssertClose(y64, y, $"{shape} output");
                AssertClose(weight64.grad!, weight.grad!, $"{shape} weight gradient");
                AssertClose(x64.grad!, x.grad!, $"{shape} input gradient");
            }
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        var relative = ((actual.to(float64) - expected).abs().max() / expected.abs().max()).item<double>();
        Assert.True(relative < 1e-4, $"{what}: relative difference {relative:E2}");
    }
}
