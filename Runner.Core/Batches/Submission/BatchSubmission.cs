using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Runner.Core.Telemetry;

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
/// <c>POST /batches</c>: validate everything, then store the batch, its arms, its runs and one enqueued
/// Hangfire job per run (in the plan's order, seed by seed across arms, on the batch's queue) in one
/// transaction (<see cref="BatchStore.CreateAsync"/>).
/// </summary>
public sealed class BatchSubmission(BatchStore store, IOptions<BatchLimits> limits)
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

        using var span = RunnerTraces.Source.StartActivity("batch submit");
        span?.SetTag("runner.batch.name", plan.Name);
        span?.SetTag("runner.batch.runs", plan.Runs.Count);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body!.ToJsonString())));
        var (batchId, created, storedHash) = await store.CreateAsync(plan, body, idempotencyKey, hash, RunnerTraces.CurrentParent(), ct);
        span?.SetTag("runner.batch.id", batchId);
        return created
            ? new Submission(SubmissionOutcome.Created, batchId, [])
            : new Submission(storedHash == hash ? SubmissionOutcome.Replayed : SubmissionOutcome.KeyReused, batchId, []);
    }

    private static Submission Invalid(string field, string message) => new(SubmissionOutcome.Invalid, null, new() { [field] = [message] });
}
