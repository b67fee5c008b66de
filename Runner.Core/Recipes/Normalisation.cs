using System.Text.Json.Serialization;

namespace Runner.Core.Recipes;

/// <summary>
/// The per-channel statistics the images are normalised with (JSON "cifar10-fast", "airbench"), each as its source
/// computes it so that the inputs are the original's bit for bit (the constants are in <see cref="Training.DeviceData"/>).
/// </summary>
public enum Normalisation
{
    /// <summary>cifar10-fast's: (x − mean) / sd on the 0–255 scale.</summary>
    [JsonStringEnumMemberName("cifar10-fast")] Cifar10Fast,

    /// <summary>airbench94's: x / 255, then (x − mean) / sd with its own (slightly different) statistics.</summary>
    [JsonStringEnumMemberName("airbench")] Airbench,
}
