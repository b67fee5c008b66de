using Runner.Core.Workers;

namespace Runner.Api.Pages;

/// <summary>What the workers page shows: every worker, the run each one is on, and how many jobs wait in each queue.</summary>
public sealed record WorkersPageModel(IReadOnlyList<WorkerRecord> Workers, IReadOnlyDictionary<Guid, WorkerRun> Runs, IReadOnlyList<(string Queue, long Waiting)> Queues);
