namespace Runner.Core.Batches;

/// <summary>What one submission may ask for (section <c>Batches</c>); a larger batch is refused before anything is stored.</summary>
public sealed class BatchLimits
{
    public const string SectionName = "Batches";

    public int MaxRuns { get; set; } = 1000;
    public int MaxArms { get; set; } = 64;
    public int MaxSeeds { get; set; } = 500;
}
