using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Runner.Api.Access;
using Runner.Api.Analysis;
using Runner.Api.Requests;
using Runner.Core.Batches;
using Runner.Core.Factorial;
using Runner.Core.Statistics;
using Runner.Core.Telemetry;
using Runner.Core.Validation;

namespace Runner.Api.Batches;

/// <summary>Ablation batches: submit, follow, cancel, and query runs and their analysis.</summary>
public static class BatchesApi
{
    public const string IdempotencyHeader = "Idempotency-Key";
    private const int MaxPageSize = 500;

    public static IEndpointRouteBuilder MapBatchesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/batches").WithTags("Batches");

        group.MapPost("/", Submit).RequireApiKey()
            .WithName("SubmitBatch")
            .WithSummary("Submit an ablation batch: a base recipe, arms, seeds; every run becomes a Hangfire job")
            .WithDescription("Everything is validated before anything is stored (400 names each bad field). Send an Idempotency-Key header to make a retried submission return the same batch (200) instead of a second one.")
            .Accepts<BatchSpec>("application/json")
            .Produces<BatchDetail>(StatusCodes.Status201Created)
            .Produces<BatchDetail>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapGet("/", List).AllowReads()
            .WithName("ListBatches")
            .WithSummary("Batches, newest first; filter by ?status= and by ?name= (part of the name), page with ?limit= and ?offset=");

        group.MapGet("/{id:long}", Get).AllowReads()
            .WithName("GetBatch")
            .WithSummary("A batch: arms with their recipes, run counts by status, mean run time and estimated time left");

        group.MapGet("/{id:long}/runs", Runs).AllowReads()
            .WithName("ListBatchRuns")
            .WithSummary("One row per run (arm, seed, status, metrics, times); JSON, or CSV with ?format=csv or Accept: text/csv")
            .Produces<IReadOnlyList<RunRecord>>()
            .Produces<string>(contentType: "text/csv");

        group.MapGet("/{id:long}/epochs", Epochs).AllowReads()
            .WithName("ListBatchEpochs")
            .WithSummary("Every stored epoch of every run of the batch as tidy CSV (run, arm, seed, epoch, losses, accuracies, learning rate, seconds)")
            .Produces<string>(contentType: "text/csv");

        group.MapGet("/{id:long}/analysis", Analyze).AllowReads()
            .WithName("AnalyzeBatch")
            .WithSummary("The statistics over the finished runs: per-arm summaries, tests against the baseline, adjusted p-values, verdicts")
            .WithDescription("Defaults come from the batch (metric, level, correction, test); override with ?metric=, ?level=, ?correction=, ?test=, ?compare=, ?goal=, ?margin= (equivalence margin in the metric's units). Available while the batch runs; basedOn says how many runs it uses. Accept: text/plain (or ?format=text) gives terminal tables. A factorial batch answers its effects instead (main effects and interaction chains with alias chains, errors, intervals, adjusted p; effects at the base recipe where estimable), also as CSV (?format=csv or Accept: text/csv), and takes metric, level and correction only.")
            .Produces<BatchAnalysis>()
            .Produces<FactorialBatchAnalysis>()
            .Produces<string>(contentType: "text/csv")
            .Produces<string>(contentType: "text/plain");

        group.MapDelete("/{id:long}", Cancel).RequireApiKey()
            .WithName("CancelBatch")
            .WithSummary("Cancel a batch: queued runs are dropped, running ones stop within seconds, finished runs stay");
        group.MapPost("/{id:long}/cancel", Cancel).RequireApiKey()
            .WithName("CancelBatchPost")
            .WithSummary("The same as DELETE /batches/{id}, for clients that cannot send DELETE");

        app.MapGet("/runs/{id:long}", GetRun).AllowReads().WithTags("Batches")
            .WithName("GetRun")
            .WithSummary("One run with its canonical recipe, versions, result and per-epoch metrics");

        app.MapGet("/metrics", () => TypedResults.Ok(Metric.All.Select(m => new { m.Name, m.Goal, m.Description })))
            .AllowReads().WithTags("Batches")
            .WithName("ListMetrics")
            .WithSummary("The per-run metrics a batch can be analysed on, and which way is better");
        return app;
    }

    private static async Task<IResult> Submit(
        HttpRequest request, [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey, BatchSubmission submission, BatchStore store, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, ct);
        if (problem is not null)
            return problem;

        var result = await submission.SubmitAsync(body, idempotencyKey, ct);
        switch (result.Outcome)
        {
            case SubmissionOutcome.Invalid:
                return TypedResults.ValidationProblem(result.Errors, title: "The batch specification is not valid; nothing was stored.");
            case SubmissionOutcome.KeyReused:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Idempotency-Key already used",
                    detail: $"The key was used for batch {result.BatchId} with a different body; use a new key for a new batch.");
        }
        var detail = (await store.DetailAsync(result.BatchId!.Value, ct))!;
        return result.Outcome == SubmissionOutcome.Created
            ? TypedResults.Created($"/batches/{detail.Batch.Id}", detail)
            : TypedResults.Ok(detail);
    }

    private static async Task<Results<Ok<BatchList>, ValidationProblem>> List(
        string? status, string? name, string? limit, string? offset, BatchStore store, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        status = QueryValue.OneOf(status, "status", Statuses.BatchNames, "a batch status", errors);
        var part = QueryValue.Text(name, "name", BatchPlanner.MaxNameLength, errors);
        var take = QueryValue.Int(limit, "limit", 1, MaxPageSize, errors) ?? 50;
        var skip = QueryValue.Int(offset, "offset", 0, int.MaxValue, errors) ?? 0;
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        var (items, total) = await store.ListAsync(status, part, take, skip, ct);
        return TypedResults.Ok(new BatchList(items, total, take, skip));
    }

    private static async Task<Results<Ok<BatchDetail>, NotFound>> Get(long id, BatchStore store, CancellationToken ct) =>
        await store.DetailAsync(id, ct) is { } detail ? TypedResults.Ok(detail) : TypedResults.NotFound();

    private static async Task<Results<Ok<IReadOnlyList<RunRecord>>, ContentHttpResult, ValidationProblem, NotFound>> Runs(
        long id, string? arm, string? status, string? format, HttpRequest http, BatchStore store, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        status = QueryValue.OneOf(status, "status", Statuses.RunNames, "a run status", errors);
        format = QueryValue.OneOf(format, "format", ["json", "csv"], "a format", errors);
        arm = QueryValue.Text(arm, "arm", AnalysisSettings.MaxArmNameLength, errors);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        if (await store.GetAsync(id, ct) is not { } batch)
            return TypedResults.NotFound();
        var runs = await store.RunsAsync(id, arm, status, ct);
        var csv = format == "csv" || (format is null && http.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)));
        if (!csv)
            return TypedResults.Ok(runs);
        http.HttpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"batch-{id}-runs.csv\"";
        return TypedResults.Text(RunCsv.Write(batch, runs), "text/csv; charset=utf-8");
    }

    private static async Task<Results<ContentHttpResult, NotFound>> Epochs(long id, HttpContext http, BatchStore store, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is null)
            return TypedResults.NotFound();
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"batch-{id}-epochs.csv\"";
        return TypedResults.Text(EpochCsv.Write(await store.EpochRowsAsync(id, ct)), "text/csv; charset=utf-8");
    }

    private static async Task<Results<Ok<BatchAnalysis>, Ok<FactorialBatchAnalysis>, ContentHttpResult, ValidationProblem, NotFound>> Analyze(
        long id, string? metric, string? level, string? correction, string? test, string? compare, string? goal, string? margin, string? format,
        HttpRequest http, BatchStore store, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (await store.GetAsync(id, ct) is not { } batch)
            return TypedResults.NotFound();
        var errors = new Dictionary<string, string[]>();
        var chosen = Metric.Find(metric ?? batch.Metric);
        if (chosen is null)
            errors["metric"] = [Metric.Unknown(metric)];
        var defaults = batch.Settings(chosen ?? Metric.Find(batch.Metric)!);
        var settings = defaults with
        {
            Level = QueryValue.Double(level, "level", AnalysisSettings.MinLevel, AnalysisSettings.MaxLevel, errors) ?? defaults.Level,
            Margin = QueryValue.Double(margin, "margin", double.Epsilon, AnalysisSettings.MaxMagnitude, errors) ?? defaults.Margin,
            Correction = JsonNames.Choose(correction, "correction", errors, defaults.Correction, AnalysisNames.Corrections),
            Test = JsonNames.Choose(test, "test", errors, defaults.Test, AnalysisNames.Tests),
            AllPairs = JsonNames.Choose(compare, "compare", errors, false, AnalysisNames.Comparisons),
            Goal = JsonNames.Choose(goal, "goal", errors, defaults.Goal, AnalysisNames.Goals),
        };
        var design = batch.Design;
        if (design is not null)
            foreach (var (name, given) in new[] { ("test", test), ("compare", compare), ("goal", goal), ("margin", margin) })
                if (given is not null)
                    errors[name] = ["A factorial batch's analysis estimates effects; it takes metric, level, correction and format only."];
        format = QueryValue.OneOf(format, "format", design is null ? ["json", "text"] : ["json", "text", "csv"], "a format", errors);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var reading = await BatchAnalysisReading.LoadAsync(store, batch, chosen!, settings, ct);
        if (reading.Refused is { } refused)
            return TypedResults.ValidationProblem(refused);
        RunnerMetrics.AnalysisDuration.Record(clock.Elapsed.TotalSeconds);
        var text = format == "text" || (format is null && AnalysisApi.WantsText(http));
        if (reading.Factorial is { } factorial)
        {
            if (format == "csv" || (format is null && http.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase))))
            {
                http.HttpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"batch-{id}-effects.csv\"";
                return TypedResults.Text(FactorialCsv.Write(factorial.Analysis), "text/csv; charset=utf-8");
            }
            return text ? TypedResults.Text(FactorialTable.Render(factorial), "text/plain; charset=utf-8") : TypedResults.Ok(factorial);
        }
        var analysis = reading.Ablation!;
        return text
            ? TypedResults.Text($"{analysis.Batch} (batch {analysis.BatchId}): {analysis.BasedOn}\n\n{AnalysisTable.Render(analysis.Analysis)}", "text/plain; charset=utf-8")
            : TypedResults.Ok(analysis);
    }

    private static async Task<Results<Ok<BatchDetail>, NotFound, ProblemHttpResult>> Cancel(
        long id, BatchStore store, CancellationToken ct)
    {
        var (found, changed) = await store.CancelAsync(id, ct);
        if (!found)
            return TypedResults.NotFound();
        var detail = (await store.DetailAsync(id, ct))!;
        if (!changed && detail.Batch.Status != BatchStatus.Cancelled)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Batch already finished",
                detail: $"Batch {id} is {detail.Batch.Status.Name()}; only a queued or running batch can be cancelled.");
        return TypedResults.Ok(detail);
    }

    private static async Task<Results<Ok<RunDetail>, NotFound>> GetRun(long id, BatchStore store, CancellationToken ct) =>
        await store.RunAsync(id, ct) is { } run ? TypedResults.Ok(run) : TypedResults.NotFound();
}
