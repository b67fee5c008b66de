namespace Runner.Core.Recipes;

/// <summary>Which ghost batch norm statistics the EMA model evaluates with (JSON "mean-of-splits", "first-split").</summary>
public enum EmaStatistics
{
    /// <summary>The mean of the splits' averaged statistics, as the live model evaluates (Runner's).</summary>
    MeanOfSplits,

    /// <summary>
    /// Split 0's, after a one-time collation (each split set to the mean of all) at the first evaluation: what the
    /// original's EMA model does, as it is never switched back to training, where the collation happens.
    /// </summary>
    FirstSplit,
}
