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

    public bool Equals(Schedule? other) => other is not null && Knots.SequenceEqual(other.Knots) && Values.SequenceEqual(other.Values);

    public override int GetHashCode() => HashCode.Combine(Knots.Length, Knots.Sum(), Values.Sum());
}
