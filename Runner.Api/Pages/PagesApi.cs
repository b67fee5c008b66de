using System.Text.Encodings.Web;
using System.Text.Unicode;
using Hangfire;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Runner.Api.Access;
using Runner.Api.Compare;
using Runner.Api.Requests;
using Runner.Api.Workers;
using Runner.Core.Batches;
using Runner.Core.Workers;

namespace Runner.Api.Pages;

/// <summary>
/// Server-rendered pages for people: the batch list, one page per batch and per run, the workers, and
/// comparisons across batches. Each is a Razor component rendered by its endpoint (no interactivity, no
/// external resources), so every value is encoded by construction.
/// </summary>
public static class PagesApi
{
    /// <summary>Text encoded only where HTML needs it: − and → stay readable in the source.</summary>
    public static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static IServiceCollection AddPages(this IServiceCollection services)
    {
        services.AddRazorComponents();
        return services.AddSingleton(Encoder);
    }

    public const string Path = "/ui";
    public const string BatchesPath = "/ui/batches";

    public static IEndpointRouteBuilder MapPages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Path).AllowReads().ExcludeFromDescription();
        group.MapGet("/", () => TypedResults.Redirect(BatchesPath));
        group.MapGet("/batches", List);
        group.MapGet("/batches/{id:long}", Batch);
        group.MapGet("/batches/{id:long}/progress", Progress); // the page's progress sentence, for its live script: written once, on the server
        group.MapGet("/runs/{id:long}", Run);
        group.MapGet("/workers", Workers);
        group.MapGet("/compare", Compare);
        app.MapGet(PageLayout.StylePath, () => Asset(PageLayout.Style, "text/css; charset=utf-8")).ExcludeFromDescription();
        app.MapGet(PageLayout.ScriptPath, () => Asset(PageLayout.LiveScript, "text/javascript; charset=utf-8")).ExcludeFromDescription();
        return app;
    }

    private static async Task<RazorComponentResult<WorkersPage>> Workers(WorkerStore workers, JobStorage storage, IOptions<WorkersOptions> options, CancellationToken ct)
    {
        var list = await workers.ListAsync(TimeSpan.FromSeconds(options.Value.LostAfterSeconds), null, ct);
        var queues = storage.GetMonitoringApi().Queues().Where(q => q.Length > 0).Select(q => (q.Name, q.Length)).OrderBy(q => q.Name).ToList();
        return Page<WorkersPage>(new { Model = new WorkersPageModel(list, await workers.CurrentRunsAsync(ct), queues) });
    }

    private static async Task<IResult> Compare(string? arms, string? metric, BatchStore store, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(arms))
            return Page<ComparePage>(new { Arms = (string?)null, Chosen = Metric.Find(Metric.Default) });
        var (reading, problem) = await CompareApi.ReadAsync(arms, metric, null, null, null, null, store, ct);
        return problem ?? Page<ComparePage>(new { Arms = arms, Chosen = Metric.Find(reading!.Comparison.Metric), Reading = reading });
    }

    private static RazorComponentResult<T> Page<T>(object parameters) where T : IComponent => new(parameters) { ContentType = "text/html; charset=utf-8" };

    private static ContentHttpResult Asset(string content, string contentType) => TypedResults.Content(content, contentType);

    private static async Task<Results<RazorComponentResult<BatchListPage>, ValidationProblem>> List(string? status, string? offset, BatchStore store, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var start = QueryValue.Int(offset, "offset", 0, int.MaxValue, errors) ?? 0;
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        var known = status is not null && Statuses.BatchNames.Contains(status) ? status : null;
        var (items, total) = await store.ListAsync(known, null, BatchListPage.PageSize, start, ct);
        var headlines = new Dictionary<long, string>();
        foreach (var batch in items.Where(b => b.Runs.Succeeded > 0))
        {
            var metric = Metric.Find(batch.Metric)!;
            var reading = await BatchAnalysisReading.LoadAsync(store, batch, metric, batch.Settings(metric), ct);
            var headline = reading.Factorial is { } factorial ? BatchText.ListHeadline(factorial, MetricFormat.For(metric))
                : reading.Ablation is { } ablation ? BatchText.ListHeadline(ablation.Analysis, MetricFormat.For(metric))
                : null;
            if (headline is not null)
                headlines[batch.Id] = headline;
        }
        return Page<BatchListPage>(new { Batches = items, Headlines = headlines, Total = total, Status = known, Offset = start });
    }

    private static async Task<Results<RazorComponentResult<RunPage>, ProblemHttpResult>> Run(long id, BatchStore store, CancellationToken ct) =>
        await store.RunAsync(id, ct) is { } run
            ? Page<RunPage>(new { Detail = run })
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"There is no run {id}.");

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Progress(long id, BatchStore store, CancellationToken ct) =>
        await store.DetailAsync(id, ct) is { } detail
            ? TypedResults.Content(BatchText.ProgressText(detail), "text/plain; charset=utf-8")
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"There is no batch {id}.");

    private static async Task<Results<RazorComponentResult<BatchPage>, ProblemHttpResult>> Batch(long id, string? metric, BatchStore store, CancellationToken ct)
    {
        if (await store.DetailAsync(id, ct) is not { } detail)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"There is no batch {id}.");
        var chosen = Metric.Find(metric) ?? Metric.Find(detail.Batch.Metric)!;
        var reading = await BatchAnalysisReading.LoadAsync(store, detail.Batch, chosen, detail.Batch.Settings(chosen), ct);
        var model = new BatchPageModel(detail, await store.RunsAsync(id, null, null, ct), reading.Ablation, chosen, await store.EpochsAsync(id, ct), reading.Factorial);
        return Page<BatchPage>(new { Model = model });
    }
}
