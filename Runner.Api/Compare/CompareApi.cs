using Microsoft.AspNetCore.Http.HttpResults;
using Runner.Api.Access;
using Runner.Api.Analysis;
using Runner.Api.Requests;
using Runner.Core.Batches;
using Runner.Core.Statistics;
using Runner.Core.Validation;

namespace Runner.Api.Compare;

/// <summary><c>GET /compare?arms=12:base,14:base</c>: arms of different batches in one analysis, with what else differs between them.</summary>
public static class CompareApi
{
    public static IEndpointRouteBuilder MapCompare(this IEndpointRouteBuilder app)
    {
        app.MapGet("/compare", Compare).AllowReads().WithTags("Batches")
            .WithName("CompareArms")
            .WithSummary("Arms of different batches analysed together (the first is the baseline), with a warning for every difference in recipe, data, devices and libraries")
            .WithDescription("?arms=12:base,14:base (2 to 20 arms as batch:arm); ?metric=, ?level=, ?margin=, ?correction=, ?test=. Accept: text/plain gives the warnings and terminal tables.")
            .Produces<CrossBatchComparison>()
            .Produces<string>(contentType: "text/plain")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> Compare(
        string? arms, string? metric, string? level, string? margin, string? correction, string? test, HttpRequest http, BatchStore store, CancellationToken ct)
    {
        var (reading, problem) = await ReadAsync(arms, metric, level, margin, correction, test, store, ct);
        if (problem is not null)
            return problem;
        var comparison = reading!.Comparison;
        return AnalysisApi.WantsText(http)
            ? TypedResults.Text(string.Concat(comparison.Warnings.Select(w => $"! {w}\n")) + (comparison.Warnings.Count > 0 ? "\n" : "") + AnalysisTable.Render(comparison.Analysis), "text/plain; charset=utf-8")
            : TypedResults.Ok(comparison);
    }

    /// <summary>
    /// Reads the query of a comparison: the arms (bounded and well-formed before anything is looked up), the
    /// metric and the analysis settings; a bad value is a 400 naming its field, an arm that does not exist a 404.
    /// </summary>
    public static async Task<(CrossBatchReading? Reading, IResult? Problem)> ReadAsync(
        string? arms, string? metric, string? level, string? margin, string? correction, string? test, BatchStore store, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var (references, error) = ArmReference.ParseList(arms);
        if (error is not null)
            errors["arms"] = [error];
        var chosen = Metric.Find(metric ?? Metric.Default);
        if (chosen is null)
            errors["metric"] = [Metric.Unknown(metric)];
        var defaults = new AnalysisSettings();
        var settings = defaults with
        {
            Level = QueryValue.Double(level, "level", AnalysisSettings.MinLevel, AnalysisSettings.MaxLevel, errors) ?? defaults.Level,
            Margin = QueryValue.Double(margin, "margin", double.Epsilon, AnalysisSettings.MaxMagnitude, errors),
            Correction = JsonNames.Choose(correction, "correction", errors, defaults.Correction, AnalysisNames.Corrections),
            Test = JsonNames.Choose(test, "test", errors, defaults.Test, AnalysisNames.Tests),
            Goal = chosen?.Goal ?? defaults.Goal,
        };
        if (errors.Count > 0)
            return (null, TypedResults.ValidationProblem(errors));
        var (reading, missing) = await CrossBatchComparison.LoadAsync(store, references, chosen!, settings, ct);
        return missing is not null
            ? (null, TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: missing))
            : (reading, null);
    }
}
