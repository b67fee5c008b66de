namespace Runner.Tests.Infrastructure;

/// <summary>
/// Hangfire keeps its storage in a static (JobStorage.Current) that every in-process API replaces, so
/// test classes that host the API run one after another, never side by side.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ApiCollection
{
    public const string Name = "in-process API";
}
