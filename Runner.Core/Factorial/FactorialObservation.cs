namespace Runner.Core.Factorial;

/// <summary>One run's value: the configuration it ran (its index in the design's standard order) and its seed, the block.</summary>
public sealed record FactorialObservation(int Configuration, long Seed, double Value);
