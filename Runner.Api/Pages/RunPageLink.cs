using Hangfire;
using Hangfire.Dashboard;
using Runner.Core.Batches;

namespace Runner.Api.Pages;

/// <summary>
/// On the dashboard's page of a run's job, a link to the run's own page (the job's first argument is the
/// run id). Hangfire's renderers are global, so the link is registered once per process, however many APIs
/// it hosts (the tests host several).
/// </summary>
public static class RunPageLink
{
    private static readonly Lazy<bool> Registered = new(() =>
    {
        GlobalConfiguration.Configuration.UseJobDetailsRenderer(10, Render);
        return true;
    });

    public static void Register() => _ = Registered.Value;

    private static NonEscapedString? Render(JobDetailsRendererDto dto) =>
        dto.JobDetails?.Job is { } job && job.Type == typeof(RunJob) && job.Args.Count > 0 && job.Args[0] is long runId
            ? new NonEscapedString($"""<div class="job-snippet"><div class="job-snippet-properties"><a href="/ui/runs/{runId}">Run {runId}: its page with provenance, result and epochs</a></div></div>""")
            : null;
}
