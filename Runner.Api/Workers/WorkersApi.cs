using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Runner.Api.Access;
using Runner.Api.Requests;
using Runner.Core.Workers;

namespace Runner.Api.Workers;

public static class WorkersApi
{
    private const int MaxWaitSeconds = 60;

    public static IEndpointRouteBuilder MapWorkersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/workers").WithTags("Workers");

        group.MapGet("/", ListWorkers).AllowReads()
            .WithName("ListWorkers")
            .WithSummary("Registered workers with their device, library versions and status")
            .WithDescription("Status is alive while the heartbeat is fresh, lost once it is older than Workers:LostAfterSeconds, stopped after a clean shutdown. Filter with ?status=alive|lost|stopped.");

        group.MapPost("/probe", RequestProbe).RequireApiKey()
            .WithName("RequestProbe")
            .WithSummary("Enqueue a probe job: a timed matrix multiply on a worker of the given queue")
            .WithDescription("Returns 202 with the probe and its Location. With ?wait=N (seconds, at most 60) the call waits for the result and returns 200 once the probe has finished.")
            .Accepts<ProbeRequest>("application/json")
            .Produces<ProbeRecord>()
            .Produces<ProbeRecord>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem();

        group.MapGet("/probes/{id:long}", GetProbe).AllowReads()
            .WithName("GetProbe")
            .WithSummary("One probe and its measured result");

        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<WorkerRecord>>, ValidationProblem>> ListWorkers(
        string? status, WorkerStore workers, IOptions<WorkersOptions> options, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        status = QueryValue.OneOf(status, "status", WorkerStatus.All, "a worker status", errors);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await workers.ListAsync(TimeSpan.FromSeconds(options.Value.LostAfterSeconds), status, ct));
    }

    private static async Task<IResult> RequestProbe(
        HttpRequest http, [FromQuery] string? wait, ProbeStore probes, IBackgroundJobClient jobs, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<ProbeRequest>(http, "a probe request", ct, optional: true);
        if (problem is not null)
            return problem;
        var request = body ?? new ProbeRequest();
        var errors = request.Validate();
        var waitSeconds = QueryValue.Int(wait, "wait", 0, MaxWaitSeconds, errors);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var queue = request.QueueOrDefault;
        var id = await probes.CreateAsync(queue, ct);
        var (size, repeats) = (request.MatrixSizeOrDefault, request.RepeatsOrDefault);
        var jobId = jobs.Enqueue<ProbeJob>(queue, job => job.RunAsync(id, size, repeats, CancellationToken.None));
        await probes.AttachJobAsync(id, jobId, ct);

        var deadline = DateTime.UtcNow.AddSeconds(waitSeconds ?? 0);
        var probe = await probes.GetAsync(id, ct);
        while (probe!.Status is "queued" or "running" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, ct);
            probe = await probes.GetAsync(id, ct);
        }
        return probe.Status is "succeeded" or "failed"
            ? TypedResults.Ok(probe)
            : TypedResults.Accepted($"/workers/probes/{id}", probe);
    }

    private static async Task<Results<Ok<ProbeRecord>, NotFound>> GetProbe(long id, ProbeStore probes, CancellationToken ct) =>
        await probes.GetAsync(id, ct) is { } probe ? TypedResults.Ok(probe) : TypedResults.NotFound();
}
