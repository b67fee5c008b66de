using System.Text.Json.Nodes;
using Runner.Core.Factorial;

namespace Runner.Core.Batches;

/// <summary><c>GET /batches/{id}</c>: the batch, its arms, the submitted specification and where it stands.</summary>
/// <param name="RunsAhead">Queued runs of other batches that workers of this batch's device class take first (higher priority, or the same priority and submitted earlier); null when none of its runs is queued.</param>
public sealed record BatchDetail(BatchRecord Batch, IReadOnlyList<ArmRecord> Arms, JsonNode? Spec, BatchProgressEstimate Progress, SequentialProgress? Sequential,
    int? RunsAhead = null, FactorialDescription? Factorial = null);

/// <summary>
/// A sequential batch so far: its design, every look taken, and what stopping saved: the runs cancelled by
/// decisions and their device time at the mean run time of the batch.
/// </summary>
public sealed record SequentialProgress(JsonNode Design, IReadOnlyList<LookRecord> Looks, int RunsSaved, int RunsPlanned, double? DeviceSecondsSaved);
