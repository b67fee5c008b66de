namespace Runner.Api.Pages;

/// <summary>
/// The assets of every page: the style sheet and the live-progress script (Pages/Assets, embedded in the assembly),
/// served by this API (<see cref="StylePath"/>, <see cref="ScriptPath"/>), so the pages' content security policy can
/// allow only them; nothing is fetched from elsewhere, and no markup carries inline styles or scripts.
/// </summary>
public static class PageLayout
{
    public const string StylePath = "/ui/site.css";
    public const string ScriptPath = "/ui/live.js";

    public static readonly string Style = Asset("site.css");

    /// <summary>
    /// While a batch runs, its page follows GET /batches/{id}: the bar is redrawn every 3 s with the progress sentence
    /// the server writes (GET /ui/batches/{id}/progress), and the page reloads when a run finishes (redrawing the
    /// plots) or the batch ends. While a run is queued or running, its page follows GET /runs/{id} and reloads when an
    /// epoch is stored or the status changes.
    /// </summary>
    public static readonly string LiveScript = Asset("live.js");

    private static string Asset(string name)
    {
        using var stream = typeof(PageLayout).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The page asset {name} is not embedded in {typeof(PageLayout).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
