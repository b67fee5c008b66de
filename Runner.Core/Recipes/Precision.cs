using Runner.Core.Validation;

namespace Runner.Core.Recipes;

/// <summary>The arithmetic a run trains in (JSON "auto", "fp32", "fp16").</summary>
public enum Precision
{
    /// <summary>As the reference ran it: fp16 with fp32 batch norm on CUDA; fp32 on the CPU (which has no fp16 path).</summary>
    Auto,

    Fp32,

    /// <summary>fp16 with batch norm kept in fp32; CUDA only.</summary>
    Fp16,
}

public static class PrecisionChoice
{
    /// <summary>What a recipe's precision runs as on a device: never <see cref="Precision.Auto"/>.</summary>
    public static Precision On(this Precision precision, bool cuda) => precision switch
    {
        Precision.Auto => cuda ? Precision.Fp16 : Precision.Fp32,
        var p => p,
    };

    public static string Name(this Precision precision) => JsonNames.Of(precision);
}
