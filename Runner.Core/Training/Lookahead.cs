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

    private readonly List<(string Name, Tensor Average, Tensor Live)> _entries;

    public Lookahead(nn.Module network)
    {
        using var _ = no_grad();
        _entries = network.state_dict()
            .Where(e => e.Value.is_floating_point())
            .Select(e => (e.Key, e.Value.clone().DetachFromDisposeScope(), e.Value))
            .ToList();
    }

    /// <summary>Continues from a saved average (every entry of the network's floating-point state by name).</summary>
    public void Load(IReadOnlyDictionary<string, Tensor> average)
    {
        if (!_entries.Select(e => e.Name).Order(StringComparer.Ordinal).SequenceEqual(average.Keys.Order(StringComparer.Ordinal)))
            throw new InvalidOperationException($"The saved average names [{string.Join(", ", average.Keys.Order())}], the network's state [{string.Join(", ", _entries.Select(e => e.Name).Order())}].");
        using var _ = no_grad();
        foreach (var (name, mine, _) in _entries)
            mine.copy_(average[name]);
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
        foreach (var (_, average, live) in _entries)
        {
            average.lerp_(live, 1 - decay);
            live.copy_(average);
        }
    }

    public void Dispose()
    {
        foreach (var (_, average, _) in _entries)
            average.Dispose();
    }
}
