using System.Globalization;
using System.Text;

namespace Runner.Core.Batches;

/// <summary>Tidy CSV (one row per observation, one column per variable) that pandas and R read directly.</summary>
public static class TidyCsv
{
    public static string Write<T>(IReadOnlyList<(string Header, Func<T, object?> Value)> columns, IEnumerable<T> rows)
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', columns.Select(c => c.Header)).Append('\n');
        foreach (var row in rows)
            csv.AppendJoin(',', columns.Select(c => Field(c.Value(row)))).Append('\n');
        return csv.ToString();
    }

    /// <summary>Empty for missing values (NA in R, NaN in pandas), invariant numbers, ISO 8601 UTC times, quoted text where needed.</summary>
    private static string Field(object? value) => value switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Quote(value.ToString() ?? ""),
    };

    private static string Quote(string text) =>
        text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{text.Replace("\"", "\"\"")}\"" : text;
}
