namespace Runner.Core.Factorial;

/// <summary>
/// One estimated effect of a factorial batch, in the metric's units: a main effect (the mean with the factor at its
/// high level, or its trick on, minus the mean at the low level, over all other factors' levels), a two-factor
/// interaction chain (half the difference between the first factor's effect at the second's high and low level), or a
/// factor's effect at the base recipe. <see cref="AliasChain"/> names what else the estimate contains (up to order 3).
/// </summary>
public sealed record FactorialEffect
{
    /// <summary>The effect's letters: "A", "AB".</summary>
    public required string Term { get; init; }

    /// <summary>What the letters mean: "ema", "ema × tta".</summary>
    public required string Label { get; init; }

    public required IReadOnlyList<string> AliasChain { get; init; }
    public required double Estimate { get; init; }
    public double? StandardError { get; init; }
    public double? T { get; init; }
    public double? Df { get; init; }
    public double? P { get; init; }

    /// <summary>The p-value adjusted across its family (main effects, or interactions) by the batch's correction.</summary>
    public double? AdjustedP { get; init; }

    public double? Lower { get; init; }
    public double? Upper { get; init; }
    public bool Significant { get; init; }
}
