namespace Runner.Core.Recipes;

/// <summary>The activation after each batch norm (JSON "relu", "celu").</summary>
public enum Activation
{
    Relu,

    /// <summary>CELU with <see cref="Recipe.CeluAlpha"/>: smooth near 0, which the frozen-scale BN prefers.</summary>
    Celu,
}
