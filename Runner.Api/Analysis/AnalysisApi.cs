using Microsoft.AspNetCore.Http.HttpResults;
using Runner.Api.Access;
using Runner.Api.Requests;
using Runner.Core.Statistics;

namespace Runner.Api.Analysis;

public static class AnalysisApi
{
    public static IEndpointRouteBuilder MapAnalysisApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/analysis").WithTags("Analysis").AllowReads();

        group.MapPost("/", Analyze)
            .WithName("Analyze")
            .WithSummary("Analyse samples from anywhere: per-arm summaries, t-tests against the baseline, adjusted p-values, verdicts, planning")
            .WithDescription("Welch by default (student on request), a paired test beside it where arms share seeds, Holm correction by default (benjamini-hochberg, bonferroni, none). Send Accept: text/plain for terminal tables.")
            .Accepts<AnalysisRequest>("application/json")
            .Produces<AnalysisResult>()
            .Produces<string>(contentType: "text/plain")
            .ProducesValidationProblem();

        group.MapPost("/plan", Plan)
            .WithName("Plan")
            .WithSummary("Runs per arm needed to detect a difference, or the smallest difference n runs per arm detect (noncentral t)")
            .Accepts<PlanRequest>("application/json")
            .Produces<PlanResult>()
            .ProducesValidationProblem();

        return app;
    }

    private static async Task<IResult> Analyze(HttpRequest http, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<AnalysisRequest>(http, "an analysis request", ct);
        if (problem is not null)
            return problem;
        var (arms, settings, errors) = request!.Parse();
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        var result = AblationAnalysis.Analyze(arms, request.Baseline, settings, request.Metric);
        return WantsText(http) ? TypedResults.Text(AnalysisTable.Render(result), "text/plain; charset=utf-8") : TypedResults.Ok(result);
    }

    private static async Task<IResult> Plan(HttpRequest http, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<PlanRequest>(http, "a planning question", ct);
        if (problem is not null)
            return problem;
        var errors = request!.Validate();
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(PlanResult.For(request));
    }

    /// <summary>text/plain when the client asks for it before (or instead of) JSON.</summary>
    public static bool WantsText(HttpRequest request) =>
        request.GetTypedHeaders().Accept.OrderByDescending(a => a.Quality ?? 1).FirstOrDefault() is { } best
        && best.MediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase);
}
