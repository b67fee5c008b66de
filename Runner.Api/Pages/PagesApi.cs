using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Runner.Api.Access;
using Runner.Api.Requests;
using Runner.Api.Workers;
using Runner.Core.Batches;
using Runner.Core.Workers;

namespace Runner.Api.Pages;

/// <summary>Server-rendered pages for people: the batch list, one page per batch and per run, and the workers.</summary>
public static class PagesApi
{
    public const string Path = "/ui";
    public const string BatchesPath = "/ui/batches";

    public static IEndpointRouteBuilder MapPages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Path).AllowReads().ExcludeFromDescription();
        group.MapGet("/", () => TypedResults.Redirect(BatchesPath));
        group.MapGet("/batches", List);
        group.MapGet("/batches/{id:long}", Batch);
        group.MapGet("/runs/{id:long}", Run);
        group.MapGet("/workers", Workers);
        app.MapGet(PageLayout.StylePath, () => Asset(PageLayout.Style, "text/css; charset=utf-8")).ExcludeFromDescription();
        app.MapGet(PageLayout.ScriptPath, () => Asset(PageLayout.LiveScript, "text/javascript; charset=utf-8")).ExcludeFromDescription();
        return app;
    }

    private static async Task<ContentHttpResult> Workers(WorkerStore workers, JobStorage storage, IOptions<WorkersOptions> options, CancellationToken ct)
    {
        var list = await workers.ListAsync(TimeSpan.FromSeconds(options.Value.LostAfterSeconds), null, ct);
        var queues = storage.GetMonitoringApi().Queues().Where(q => q.Length > 0).Select(q => (q.Name, q.Length)).OrderBy(q => q.Name).ToList();
        return TypedResults.Content(WorkersPage.Render(new WorkersPageModel(list, await workers.CurrentRunsAsync(ct), queues)), "text/html; charset=utf-8");
    }

    private static ContentHttpResult Asset(string content, string contentType) => TypedResults.Content(content, contentType);

    private static async Task<Results<ContentHttpResult, ValidationProblem>> List(string? status, string? offset, BatchStore store, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var start = QueryValue.Int(offset, "offset", 0, int.MaxValue, errors) ?? 0;
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        var known = status is not null && BatchStatus.All.Contains(status) ? status : null;
        var (items, total) = await store.ListAsync(known, null, BatchListPage.PageSize, start, ct);
        return TypedResults.Content(BatchListPage.Render(items, total, known, start), "text/html; charset=utf-8");
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Run(long id, BatchStore store, CancellationToken ct) =>
        await store.RunAsync(id, ct) is { } run
            ? TypedResults.Content(RunPage.Render(run), "text/html; charset=utf-8")
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"There is no run {id}.");

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Batch(long id, string? metric, BatchStore store, CancellationToken ct)
    {
        if (await store.DetailAsync(id, ct) is not { } detail)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"There is no batch {id}.");
        var chosen = Metric.Find(metric) ?? Metric.Find(detail.Batch.Metric)!;
        var analysis = BatchAnalysis.For(detail.Batch, await store.SamplesAsync(id, chosen, ct), BatchAnalysis.Defaults(detail.Batch, chosen), chosen);
        var model = new BatchPageModel(detail, await store.RunsAsync(id, null, null, ct), analysis, chosen, await store.EpochsAsync(id, ct));
        return TypedResults.Content(BatchPage.Render(model), "text/html; charset=utf-8");
    }
}
