namespace Runner.Core.Recipes;

/// <summary>How the learning rate, weight decay and momentum of a recipe become a Nesterov step (JSON "page", "decoupled"; docs/recipe.md).</summary>
public enum Optimizer
{
    /// <summary>
    /// Page's update: the schedule is per example (divided by the batch size), weight decay per example (multiplied by
    /// it), the velocity holds learning-rate-scaled steps, and step t reads the schedule at its end (t / steps per epoch).
    /// </summary>
    Page,

    /// <summary>
    /// airbench's PyTorch SGD: the schedule and weight decay are per 1,024 examples and decoupled from the momentum (the
    /// rate is divided by 1,024 · (1 + 1/(1 − momentum)); the decay by the schedule's peak, so that their product is the
    /// stated decay), the velocity holds raw gradients, and step t reads the schedule at its start ((t − 1) / steps per epoch).
    /// </summary>
    Decoupled,
}
