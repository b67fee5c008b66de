using Runner.Core.Recipes;
using TorchSharp;
using static TorchSharp.torch;

namespace Runner.Core.Training;

/// <summary>
/// An exponential moving average of every floating-point entry of a model's state (weights and the BN
/// running statistics, which are averaged like weights rather than recomputed), kept in a second model
/// that evaluation uses: ema ← ρ·ema + (1 − ρ)·w (docs/recipe.md).
/// </summary>
public sealed class Ema
{
    private readonly List<(Tensor Average, Tensor Live)> _pairs;

    public Ema(nn.Module average, nn.Module live)
    {
        var liveState = live.state_dict();
        _pairs = average.state_dict()
            .Where(e => e.Value.is_floating_point())
            .Select(e => (e.Value, liveState[e.Key]))
            .ToList();
        using var _ = no_grad();
        foreach (var (a, l) in _pairs)
            a.copy_(l);
    }

    /// <summary>
    /// Whether this batch updates the average: every k-th batch of the epoch (from its first), or every k-th of the
    /// run (<paramref name="step"/> counts the run's batches from 1) when the recipe counts over the run.
    /// </summary>
    public static bool Due(Recipe recipe, int batchInEpoch, long step) =>
        (recipe.EmaCounter == EmaCounter.Run ? step - 1 : batchInEpoch) % recipe.EmaEvery == 0;

    public void Update(double rho)
    {
        using var _ = no_grad();
        foreach (var (a, l) in _pairs)
            a.mul_(rho).add_(l, 1 - rho);
    }
}
