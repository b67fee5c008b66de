using System.Globalization;
using Runner.Core.Batches;

namespace Runner.Worker.Client;

/// <summary>
/// What the client reads of a batch's <see cref="BatchDetail"/> (<c>GET /batches/{id}</c>, and the answers of submitting and
/// cancelling): the batch with its run counts, and the progress estimate. The rest is not read back: the detail's
/// sequential design is written as the batch stores it, without its α.
/// </summary>
public sealed record BatchState(BatchRecord Batch, BatchProgressEstimate Progress)
{
    public bool Finished => !Batch.Status.IsActive();

    /// <summary>The counts in one line, with the time left when there is an estimate.</summary>
    public string Line()
    {
        var runs = Batch.Runs;
        var left = Progress.SecondsLeft is { } s ? string.Create(CultureInfo.InvariantCulture, $", about {TimeSpan.FromSeconds(Math.Round(s)):g} left") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Batch.Status.Name()}: {runs.Succeeded} done, {runs.Running} running, {runs.Queued} queued, {runs.Failed} failed, {runs.Cancelled} cancelled{left}");
    }
}
