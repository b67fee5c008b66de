using TorchSharp;
using static TorchSharp.torch;

namespace Runner.Core.Training;

/// <summary>
/// airbench's lookahead (docs/recipe.md, "Lookahead"): an EMA of every floating-point entry of the network's state
/// (weights, frozen ones included, and the BN running statistics); every <see cref="Every"/> steps ema ← lerp(ema,
/// net, 1 − decay) and then net ← ema, with decay = <see cref="Decay"/>⁵ · (step / steps)³; at the last step net ← ema
/// with decay 1. Like the reference's, the average starts from the network as built, before whitening sets its filters.
/// </summary>
public sealed class Lookahead : IDisposable
{
    public const int Every = 5;
    public const double Decay = 0.95;

    private readonly List<(Tensor Average, Tensor Live)> _pairs;

    public Lookahead(nn.Module network)
    {
        using var _ = no_grad();
        _pairs = network.state_dict()
            .Where(e => e.Value.is_floating_point())
            .Select(e => (e.Value.clone().DetachFromDisposeScope(), e.Value))
            .ToList();
    }

    /// <summary>The decay at step <paramref name="step"/> (from 1) of <paramref name="steps"/>.</summary>
    public static double DecayAt(long step, long steps) => Math.Pow(Decay, Every) * Math.Pow((double)step / steps, 3);

    /// <summary>After step <paramref name="step"/> of <paramref name="steps"/>: the pull when it is due, the full revert at the last step.</summary>
    public void AfterStep(long step, long steps)
    {
        if (step % Every == 0)
            Pull(DecayAt(step, steps));
        if (step == steps)
            Pull(1.0);
    }

    public void Pull(double decay)
    {
        using var _ = no_grad();
        foreach (var (average, live) in _pairs)
        {
            average.lerp_(live, 1 - decay);
            live.copy_(average);
        }
    }

    public void Dispose()
    {
        foreach (var (average, _) in _pairs)
            average.Dispose();
    }
}
