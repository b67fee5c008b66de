namespace Runner.Api.Pages.Plots;

/// <summary>One arm in the dot plot: its runs, mean and confidence interval.</summary>
public sealed record ArmDots(string Name, IReadOnlyList<(long Seed, double Value)> Runs, double? Mean, double? CiLow, double? CiHigh);

/// <summary>One arm's curve over epochs: mean and a band of ± one standard deviation across its runs.</summary>
public sealed record ArmCurve(string Name, IReadOnlyList<(int Epoch, double Mean, double Low, double High, int Runs)> Points);

/// <summary>One arm against the baseline in the forest plot: the unpaired interval and, where seeds are shared, the paired one.</summary>
public sealed record ForestRow(string Name, double Difference, double? CiLow, double? CiHigh, double? PairedDifference, double? PairedLow, double? PairedHigh);

/// <summary>One arm's per-seed differences to the baseline (seeds both have), with the paired mean difference and its interval.</summary>
public sealed record PairedRow(string Name, IReadOnlyList<(long Seed, double Difference)> Seeds, double? Mean, double? CiLow, double? CiHigh);
