using Runner.Tests.Batches;
using Runner.Tests.Client;
using Runner.Tests.Factorial;
using Runner.Tests.Foundation;
using Runner.Tests.Hardening;
using Runner.Tests.Pages;
using Runner.Tests.Training.Conformance;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("Runner.Tests.Infrastructure.LongestFirst", "Runner.Tests")]

namespace Runner.Tests.Infrastructure;

/// <summary>
/// Starts the test collections that take longest first, the rest in xUnit's own order. xUnit runs as many collections at a time
/// as the machine has cores, in this order; when a long one started last, the suite ended on one core with the other idle
/// (docs/benchmarks.md, "Two lanes all the way").
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    /// <summary>Longest first (their times in a whole run of the suite, docs/benchmarks.md): each trains runs, in worker processes or in this one.</summary>
    private static readonly string[] Longest =
    [
        TorchCollection.Name,
        ForClass<FaultTests>(),
        ForClass<SequentialBatchTests>(),
        ForClass<BatchExecutionTests>(),
        ForClass<ConformanceCommandTests>(),
        ForClass<BrowserTests>(),
        ForClass<ProbeRoundTripTests>(),
        ForClass<RemoteWorkerTests>(),
        ForClass<ClientCommandTests>(),
        ForClass<LibTorchDirectoryTests>(),
        ForClass<FactorialBatchTests>(),
        ForClass<BatchApiTests>(),
        ForClass<TelemetryTests>(),
        ForClass<TracingTests>(),
        ForClass<BackupTests>(),
    ];

    /// <summary>The display name of the collection xUnit makes for a test class without one of its own.</summary>
    private static string ForClass<T>() => $"Test collection for {typeof(T).FullName}";

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        new DefaultTestCollectionOrderer().OrderTestCollections(testCollections)
            .OrderBy(c => Array.IndexOf(Longest, c.DisplayName) is var rank and >= 0 ? rank : Longest.Length);
}
