namespace Runner.Api.Pages.Plots;

/// <summary>One row of a dot plot: an arm's values by seed (its runs, or each seed's difference to the baseline), their mean and its interval.</summary>
public sealed record ArmDots(string Name, IReadOnlyList<(long Seed, double Value)> Runs, double? Mean, double? CiLow, double? CiHigh);

/// <summary>One arm's curve over epochs: mean and a band of ± one standard deviation across its runs.</summary>
public sealed record ArmCurve(string Name, IReadOnlyList<(int Epoch, double Mean, double Low, double High, int Runs)> Points);

/// <summary>One arm against the baseline in the forest plot: the unpaired interval and, where seeds are shared, the paired one.</summary>
public sealed record ForestRow(string Name, double Difference, double? CiLow, double? CiHigh, double? PairedDifference, double? PairedLow, double? PairedHigh);
