namespace Runner.Core.Recipes;

/// <summary>Where the max-pool sits in the pooled conv blocks.</summary>
public enum PoolPlacement
{
    /// <summary>conv → BN → act → pool (the DAWNBench baseline).</summary>
    AfterActivation,

    /// <summary>conv → BN → pool → act: same output (max-pool commutes with monotone activations), 4× cheaper activation.</summary>
    BeforeActivation,

    /// <summary>conv → pool → BN → act (from stage 2 on): BN and activation run on a quarter of the pixels.</summary>
    BeforeBatchNorm,
}
