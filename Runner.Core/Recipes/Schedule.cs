using System.Text.Json.Serialization;

namespace Runner.Core.Recipes;

/// <summary>
/// A piecewise-linear learning-rate schedule: knots in epochs, values as peak learning rates before the
/// division by the batch size (Page's convention). Clamped at the last value after the last knot, like np.interp.
/// </summary>
public sealed record Schedule(double[] Knots, double[] Values)
{
    public double At(double epoch)
    {
        if (epoch <= Knots[0])
            return Values[0];
        for (var i = 1; i < Knots.Length; i++)
            if (epoch <= Knots[i])
            {
                var t = (epoch - Knots[i - 1]) / (Knots[i] - Knots[i - 1]);
                return Values[i - 1] * (1 - t) + Values[i] * t; // exact at both knots
            }
        return Values[^1];
    }

    /// <summary>Warm-up from 0 to <paramref name="peak"/> at <paramref name="warmup"/>, then linear decay to 0 at the last epoch.</summary>
    public static Schedule Triangle(double epochs, double warmup, double peak) => new([0, warmup, epochs], [0, peak, 0]);

    /// <summary>The peak learning rate: the schedule's largest value.</summary>
    [JsonIgnore] public double Peak => Values.Max();

    /// <summary>Where the warm-up ends: the first knot at the peak.</summary>
    [JsonIgnore] public double PeakAt => Knots[Array.IndexOf(Values, Peak)];

    /// <summary>Whether the decay ends above 0 and holds there (the EMA stage's schedule).</summary>
    [JsonIgnore] public bool HasFloor => Values[^1] > 0;

    /// <summary>
    /// The EMA stage's schedule: the decay ends at 0.1 × peak (not 0) two epochs before the end and holds
    /// there (docs/recipe.md, "EMA"); the warm-up is kept.
    /// </summary>
    public static Schedule Floored(double epochs, Schedule schedule) =>
        new([0, schedule.PeakAt, Math.Max(schedule.PeakAt + 1e-9, epochs - FloorEpochs)], [0, schedule.Peak, FloorFraction * schedule.Peak]);

    public const int FloorEpochs = 2;
    public const double FloorFraction = 0.1;

    /// <summary>
    /// This schedule re-derived for another number of epochs by the original's rule: warm-up to
    /// <paramref name="warmup"/> (a fixed epoch in the first stages, epochs / 5 from label smoothing on), the same
    /// peak, and either decay to 0 at the end or, where the schedule has the EMA floor, to the floor two epochs early.
    /// </summary>
    public Schedule ForEpochs(double epochs, double warmup)
    {
        var triangle = Triangle(epochs, warmup, Peak);
        return HasFloor ? Floored(epochs, triangle) : triangle;
    }

    /// <summary>
    /// airbench's schedule for the recipe's steps at its schedule's peak: linear from 0.2 × to 1 × the peak over the
    /// first ⌊23%⌋ of the steps, then down to 0.07 × at the last. Knots in epochs at whole steps, read at a step's start
    /// (<see cref="Optimizer.Decoupled"/>), so that step t gets the reference's rate for t − 1 exactly.
    /// </summary>
    public static Schedule OneCycle(Recipe recipe)
    {
        var (stepsPerEpoch, peak) = (recipe.StepsPerEpoch, recipe.LearningRate.Peak);
        var totalSteps = recipe.TotalSteps(stepsPerEpoch);
        var warmup = (long)(totalSteps * OneCycleWarmup);
        var end = (double)totalSteps / stepsPerEpoch;
        return warmup == 0
            ? new([0, end], [peak, OneCycleEnd * peak])
            : new([0, (double)warmup / stepsPerEpoch, end], [OneCycleStart * peak, peak, OneCycleEnd * peak]);
    }

    public const double OneCycleStart = 0.2;
    public const double OneCycleWarmup = 0.23;
    public const double OneCycleEnd = 0.07;

    public bool Equals(Schedule? other) => other is not null && Knots.SequenceEqual(other.Knots) && Values.SequenceEqual(other.Values);

    public override int GetHashCode() => HashCode.Combine(Knots.Length, Knots.Sum(), Values.Sum());
}
