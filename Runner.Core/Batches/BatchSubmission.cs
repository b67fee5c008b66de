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
/// one Hangfire job per run in the plan's order (seed by seed across arms) on the batch's queue.
/// </summary>
public sealed class BatchSubmission(BatchStore store, IBackgroundJobClient jobs, IOptions<BatchLimits> limits)
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
        var jobIds = runs.Select(r => Enqueue(jobs, queue, r.Id, plan.Name, r.Arm, r.Seed)).ToList();
        await store.AttachJobsAsync(runs.Select(r => r.Id).ToList(), jobIds, ct);
        return new Submission(SubmissionOutcome.Created, batchId, []);
    }

    public static string Enqueue(IBackgroundJobClient jobs, string queue, long runId, string batch, string arm, long seed) =>
        jobs.Enqueue<RunJob>(queue, job => job.RunAsync(runId, batch, arm, seed, CancellationToken.None));

    private static Submission Invalid(string field, string message) => new(SubmissionOutcome.Invalid, null, new() { [field] = [message] });
}
