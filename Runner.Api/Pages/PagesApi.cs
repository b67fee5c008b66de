using Microsoft.AspNetCore.Http.HttpResults;
using Runner.Api.Access;
using Runner.Core.Batches;

namespace Runner.Api.Pages;

/// <summary>Server-rendered pages for people: the batch list and one page per batch.</summary>
public static class PagesApi
{
    public static IEndpointRouteBuilder MapPages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/ui").AllowReads().ExcludeFromDescription();
        group.MapGet("/", () => TypedResults.Redirect("/ui/batches"));
        group.MapGet("/batches", List);
        group.MapGet("/batches/{id:long}", Batch);
        group.MapGet("/runs/{id:long}", Run);
        return app;
    }

    private static async Task<ContentHttpResult> List(string? status, int? offset, BatchStore store, CancellationToken ct)
    {
        var start = Math.Max(0, offset ?? 0);
        var known = status is not null && BatchStatus.All.Contains(status) ? status : null;
        var (items, total) = await store.ListAsync(known, null, BatchListPage.PageSize, start, ct);
        return TypedResults.Content(BatchListPage.Render(items, total, known, start), "text/html; charset=utf-8");
    }

    private static async Task<Results<ContentHttpResult, NotFound<string>>> Run(long id, BatchStore store, CancellationToken ct) =>
        await store.RunAsync(id, ct) is { } run
            ? TypedResults.Content(RunPage.Render(run), "text/html; charset=utf-8")
            : TypedResults.NotFound($"There is no run {id}.");

    private static async Task<Results<ContentHttpResult, NotFound<string>>> Batch(long id, string? metric, BatchStore store, CancellationToken ct)
    {
        if (await store.DetailAsync(id, ct) is not { } detail)
            return TypedResults.NotFound($"There is no batch {id}.");
        var chosen = Metric.Find(metric) ?? Metric.Find(detail.Batch.Metric)!;
        var analysis = BatchAnalysis.For(detail.Batch, await store.SamplesAsync(id, chosen, ct), BatchAnalysis.Defaults(detail.Batch, chosen), chosen);
        var model = new BatchPageModel(detail, await store.RunsAsync(id, null, null, ct), analysis, chosen, await store.EpochsAsync(id, ct));
        return TypedResults.Content(BatchPage.Render(model), "text/html; charset=utf-8");
    }
}
