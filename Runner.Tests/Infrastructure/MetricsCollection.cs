namespace Runner.Tests.Infrastructure;

/// <summary>
/// Runner's meter is process-wide (RunnerMetrics), so an API hosted in the test process reports what every other API in
/// it measures: test classes that read an API's metrics run alone, after the others.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "process-wide metrics";
}
