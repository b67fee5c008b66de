using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Runner.Core.Training;

/// <summary>
/// Batch norm over <c>splits</c> interleaved sub-batches ("ghost batches", docs/recipe.md): in training the
/// N×C×H×W input is viewed as (N/S)×(S·C)×H×W, so example n falls in ghost batch n mod S, and each keeps its
/// own running statistics. In evaluation the S running statistics are averaged, or split 0's are used (the
/// original's EMA model: <see cref="FirstSplitInEvaluation"/>). One split is plain batch norm.
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

    /// <summary>Every batch norm of a network.</summary>
    public static IEnumerable<GhostBatchNorm> In(nn.Module network) => network.modules().OfType<GhostBatchNorm>();

    public Tensor RunningMean => running_mean;
    public Tensor RunningVar => running_var;

    /// <summary>Evaluate with split 0's running statistics instead of the mean of the splits.</summary>
    public bool FirstSplitInEvaluation { get; set; }

    /// <summary>Sets every split's running statistics to the mean of all of them (the original's switch to evaluation).</summary>
    public void Collate()
    {
        using var _ = no_grad();
        foreach (var statistics in new[] { running_mean, running_var })
        {
            using var mean = statistics.view(_splits, _channels).mean([0]);
            statistics.copy_(mean.repeat(_splits));
        }
    }

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
            using var mean = FirstSplitInEvaluation ? running_mean.narrow(0, 0, _channels) : running_mean.view(_splits, _channels).mean([0]);
            using var variance = FirstSplitInEvaluation ? running_var.narrow(0, 0, _channels) : running_var.view(_splits, _channels).mean([0]);
            y = F.batch_norm(x, mean, variance, weight, bias, false, _momentum, _eps);
        }
        return input.dtype == ScalarType.Float32 ? y : y.to(input.dtype);
    }
}
