namespace Runner.Core.Recipes;

/// <summary>The activation after each batch norm (JSON "relu", "celu", "gelu").</summary>
public enum Activation
{
    Relu,

    /// <summary>CELU with <see cref="Recipe.CeluAlpha"/>: smooth near 0, which the frozen-scale BN prefers.</summary>
    Celu,

    /// <summary>GELU (the exact, erf form), airbench's.</summary>
    Gelu,
}
