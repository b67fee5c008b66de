using System.Globalization;
using Runner.Core.Batches;

namespace Runner.Api.Pages;

/// <summary><c>/ui/batches</c>: every batch, newest first, with its status and progress.</summary>
public static class BatchListPage
{
    public const int PageSize = 50;

    public static string Render(IReadOnlyList<BatchRecord> batches, int total, string? status, int offset)
    {
        var filters = string.Join(" ", new[] { (string?)null }.Concat(BatchStatus.All).Select(s => s == status
            ? $"<b>{E(s ?? "all")}</b>"
            : $"""<a href="/ui/batches{(s is null ? "" : $"?status={s}")}">{E(s ?? "all")}</a>"""));
        var rows = string.Concat(batches.Select(b =>
        {
            var r = b.Runs;
            return $"""
                <tr><td class="num">{b.Id}</td><td><a href="/ui/batches/{b.Id}">{E(b.Name)}</a></td><td><span class="status s-{E(b.Status)}">{E(b.Status)}</span></td>
                <td class="progress">{PageLayout.ProgressBar(r)}</td>
                <td class="num">{r.Finished}/{r.Total}</td><td>{E(b.Queue)}</td><td>{b.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC</td></tr>
                """;
        }));
        var query = status is null ? "" : $"status={status}&";
        var pages = (offset > 0 ? $"""<a href="/ui/batches?{query}offset={Math.Max(0, offset - PageSize)}">newer</a> """ : "")
                    + (offset + PageSize < total ? $"""<a href="/ui/batches?{query}offset={offset + PageSize}">older</a>""" : "");
        return PageLayout.Page("Batches", $"""
            <h1>Batches</h1>
            <p>{filters} · {total} batches</p>
            <table id="batches"><tr><th class="num">id</th><th>name</th><th>status</th><th>progress</th><th class="num">runs</th><th>queue</th><th>created</th></tr>{rows}</table>
            <p>{pages}</p>
            """);
    }

    private static string E(string text) => PageLayout.Encode(text);
}
