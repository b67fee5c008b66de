namespace Runner.Core.Recipes;

/// <summary>How the EMA's every-k-batches counter runs (JSON "epoch", "run").</summary>
public enum EmaCounter
{
    /// <summary>
    /// Restarting each epoch: the first batch of every epoch updates the average. The original's: its update_ema
    /// step, and with it the counter, is made anew for each epoch (docs/recipe.md, "EMA details").
    /// </summary>
    Epoch,

    /// <summary>Over the whole run (a variant once suspected of being the original's): with 97 batches an epoch the phase shifts each epoch.</summary>
    Run,
}

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
