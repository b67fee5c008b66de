using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Hangfire;
using Microsoft.Extensions.Options;
using Runner.Core.Queueing;

namespace Runner.Core.Batches;

public enum SubmissionOutcome
{
    Created,

    /// <summary>The idempotency key was used before with the same body: the earlier batch is the answer.</summary>
    Replayed,

    /// <summary>The idempotency key was used before with a different body.</summary>
    KeyReused,

    Invalid,
}

public sealed record Submission(SubmissionOutcome Outcome, long? BatchId, Dictionary<string, string[]> Errors);

/// <summary>
/// <c>POST /batches</c>: validate everything, store batch + arms + runs in one transaction, then enqueue
/// one Hangfire job per run in the plan's order (seed by seed across arms) on the batch's queue, all in
/// one storage transaction (<see cref="RunJobs"/>). Runs left without a live job by a crash in between are
/// found by <see cref="BatchStore.RepairMissingJobsAsync"/>.
/// </summary>
public sealed class BatchSubmission(BatchStore store, JobStorage storage, IOptions<BatchLimits> limits)
{
    public const int MaxIdempotencyKeyLength = 200;

    public async Task<Submission> SubmitAsync(JsonNode? body, string? idempotencyKey, CancellationToken ct)
    {
        if (idempotencyKey is { } key && (key.Length is 0 or > MaxIdempotencyKeyLength || key.Any(char.IsControl)))
            return Invalid("Idempotency-Key", $"Use 1 to {MaxIdempotencyKeyLength} printable characters.");
        var (spec, readErrors) = BatchSpec.Read(body);
        if (spec is null)
            return new Submission(SubmissionOutcome.Invalid, null, readErrors);
        var (plan, errors) = BatchPlanner.Plan(spec, limits.Value);
        if (plan is null)
            return new Submission(SubmissionOutcome.Invalid, null, errors);

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body!.ToJsonString())));
        var (batchId, created, storedHash, runs) = await store.CreateAsync(plan, body, idempotencyKey, hash, ct);
        if (!created)
            return new Submission(storedHash == hash ? SubmissionOutcome.Replayed : SubmissionOutcome.KeyReused, batchId, []);

        var queue = JobQueues.ForPriority(plan.Queue, plan.Priority);
        var jobIds = RunJobs.Enqueue(storage, runs.Select(r => new RunToEnqueue(r.Id, plan.Name, r.Arm, r.Seed, queue)).ToList());
        await store.AttachJobsAsync(runs.Select(r => r.Id).ToList(), jobIds, ct);
        return new Submission(SubmissionOutcome.Created, batchId, []);
    }

    private static Submission Invalid(string field, string message) => new(SubmissionOutcome.Invalid, null, new() { [field] = [message] });
}
