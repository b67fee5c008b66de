using System.Globalization;
using System.Net;
using System.Text;

namespace Runner.Api.Pages;

/// <summary>A linear map from data to pixels, with round tick values for its axis.</summary>
public sealed record LinearScale(double Min, double Max, double From, double To)
{
    /// <summary>A scale over the data padded by 5% (a flat range is widened so it still has a width).</summary>
    public static LinearScale Over(IEnumerable<double> values, double from, double to)
    {
        var list = values.Where(double.IsFinite).ToList();
        var (min, max) = list.Count == 0 ? (0.0, 1.0) : (list.Min(), list.Max());
        var pad = max > min ? (max - min) * 0.05 : Math.Max(Math.Abs(max) * 0.01, 1e-3);
        return new LinearScale(min - pad, max + pad, from, to);
    }

    public double this[double value] => From + (value - Min) / (Max - Min) * (To - From);

    /// <summary>About <paramref name="count"/> round values inside the range, at least <paramref name="minStep"/> apart (1 for epochs).</summary>
    public IReadOnlyList<double> Ticks(int count = 5, double minStep = 0)
    {
        var raw = Math.Max((Max - Min) / count, minStep);
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
        var ticks = new List<double>();
        for (var t = Math.Ceiling(Min / step) * step; t <= Max + step * 1e-9; t += step)
            ticks.Add(Math.Round(t / step) * step + 0.0); // + 0.0 turns -0 into 0, which would print as "-0"
        return ticks;
    }
}

/// <summary>Hand-written SVG: a few primitives, invariant numbers, encoded text.</summary>
public sealed class Svg(int width, int height, string label)
{
    private readonly StringBuilder _body = new();

    public Svg Line(double x1, double y1, double x2, double y2, string style) =>
        Add($"""<line x1="{N(x1)}" y1="{N(y1)}" x2="{N(x2)}" y2="{N(y2)}" {style}/>""");

    public Svg Circle(double x, double y, double r, string style, string? title = null) =>
        Add(title is null
            ? $"""<circle cx="{N(x)}" cy="{N(y)}" r="{N(r)}" {style}/>"""
            : $"""<circle cx="{N(x)}" cy="{N(y)}" r="{N(r)}" {style}><title>{E(title)}</title></circle>""");

    public Svg Path(IEnumerable<(double X, double Y)> points, string style, bool closed = false) =>
        Add($"""<path d="{string.Join(" ", points.Select((p, i) => $"{(i == 0 ? 'M' : 'L')}{N(p.X)},{N(p.Y)}"))}{(closed ? " Z" : "")}" {style}/>""");

    public Svg Text(double x, double y, string text, string style = "") =>
        Add($"""<text x="{N(x)}" y="{N(y)}" {style}>{E(text)}</text>""");

    /// <summary>A horizontal axis at <paramref name="y"/> with ticks, grid lines up to <paramref name="top"/>, and a label with units.</summary>
    public Svg XAxis(LinearScale x, double y, double top, string axisLabel, Func<double, string> format, double minStep = 0)
    {
        Line(x.From, y, x.To, y, """class="axis" """);
        foreach (var t in x.Ticks(minStep: minStep))
        {
            Line(x[t], top, x[t], y, """class="grid" """);
            Text(x[t], y + 16, format(t), """text-anchor="middle" class="tick" """);
        }
        return Text((x.From + x.To) / 2, y + 34, axisLabel, """text-anchor="middle" class="label" """);
    }

    /// <summary>A vertical axis at <paramref name="x"/> with ticks, grid lines across to <paramref name="right"/>, and a rotated label.</summary>
    public Svg YAxis(LinearScale y, double x, double right, string axisLabel, Func<double, string> format)
    {
        Line(x, y.From, x, y.To, """class="axis" """);
        foreach (var t in y.Ticks())
        {
            Line(x, y[t], right, y[t], """class="grid" """);
            Text(x - 6, y[t] + 4, format(t), """text-anchor="end" class="tick" """);
        }
        var middle = (y.From + y.To) / 2;
        return Add($"""<text x="{N(x - 48)}" y="{N(middle)}" transform="rotate(-90 {N(x - 48)} {N(middle)})" text-anchor="middle" class="label">{E(axisLabel)}</text>""");
    }

    private Svg Add(string element)
    {
        _body.Append(element).Append('\n');
        return this;
    }

    public override string ToString() =>
        $"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{E(label)}">{"\n"}{_body}</svg>""";

    private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
