using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Runner.Core.Training;

/// <summary>
/// Batch norm over <c>splits</c> interleaved sub-batches ("ghost batches", docs/recipe.md): in training the
/// N×C×H×W input is viewed as (N/S)×(S·C)×H×W, so example n falls in ghost batch n mod S, and each keeps its
/// own running statistics. In evaluation the S running statistics are averaged. One split is plain batch norm.
/// With frozen scales the weight stays 1 and only the bias trains. Always computed in fp32.
/// </summary>
public sealed class GhostBatchNorm : nn.Module<Tensor, Tensor>
{
    private readonly long _channels;
    private readonly int _splits;
    private readonly double _momentum;
    private readonly double _eps;

    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly Tensor running_mean;
    private readonly Tensor running_var;

    public GhostBatchNorm(long channels, int splits, bool frozenScale, double momentum = 0.1, double eps = 1e-5) : base(nameof(GhostBatchNorm))
    {
        (_channels, _splits, _momentum, _eps) = (channels, splits, momentum, eps);
        weight = nn.Parameter(ones(channels), requires_grad: !frozenScale);
        bias = nn.Parameter(zeros(channels));
        running_mean = zeros(channels * splits);
        running_var = ones(channels * splits);
        RegisterComponents();
    }

    public Tensor RunningMean => running_mean;
    public Tensor RunningVar => running_var;

    public override Tensor forward(Tensor input)
    {
        var x = input.dtype == ScalarType.Float32 ? input : input.to(ScalarType.Float32);
        Tensor y;
        if (training)
        {
            var shape = x.shape;
            var ghost = x.reshape(-1, _channels * _splits, shape[2], shape[3]);
            y = F.batch_norm(ghost, running_mean, running_var, weight.repeat(_splits), bias.repeat(_splits), true, _momentum, _eps)
                .reshape(shape);
        }
        else
        {
            using var mean = running_mean.view(_splits, _channels).mean([0]);
            using var variance = running_var.view(_splits, _channels).mean([0]);
            y = F.batch_norm(x, mean, variance, weight, bias, false, _momentum, _eps);
        }
        return input.dtype == ScalarType.Float32 ? y : y.to(input.dtype);
    }
}
