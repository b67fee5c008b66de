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
