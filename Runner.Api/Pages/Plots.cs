using System.Globalization;
using Runner.Core.Batches;

namespace Runner.Api.Pages;

/// <summary>One arm in the dot plot: its runs, mean and confidence interval.</summary>
public sealed record ArmDots(string Name, IReadOnlyList<(long Seed, double Value)> Runs, double? Mean, double? CiLow, double? CiHigh);

/// <summary>One arm's curve over epochs: mean and a band of ± one standard deviation across its runs.</summary>
public sealed record ArmCurve(string Name, IReadOnlyList<(int Epoch, double Mean, double Low, double High, int Runs)> Points);

/// <summary>The batch page's plots as server-side SVG.</summary>
public static class Plots
{
    public static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"];

    /// <summary>A dash pattern per arm as well as a colour, so an arm whose curve is identical to another's still shows.</summary>
    public static readonly string[] Dashes = ["", "7 4", "2 3", "9 3 2 3", "4 4", "1 2"];

    public static string Stroke(int arm) =>
        $"""stroke="{Palette[arm % Palette.Length]}"{(Dashes[arm % Dashes.Length] is { Length: > 0 } dash ? $" stroke-dasharray=\"{dash}\"" : "")}""";

    private const int Left = 150, Right = 30, Top = 20, RowHeight = 44, AxisSpace = 48;

    /// <summary>Each run a dot, the mean a tick with its CI as a bar, the baseline mean a dashed line.</summary>
    public static string Dots(IReadOnlyList<ArmDots> arms, double? baselineMean, MetricFormat format, double level)
    {
        const int width = 860;
        var height = Top + arms.Count * RowHeight + AxisSpace;
        var values = arms.SelectMany(a => a.Runs.Select(r => r.Value).Concat(new[] { a.CiLow, a.CiHigh }.OfType<double>()));
        var x = LinearScale.Over(values, Left, width - Right);
        var svg = new Svg(width, height, $"{format.Label}: runs, means and {level:P0} confidence intervals per arm");
        svg.XAxis(x, height - AxisSpace + 6, Top, format.Label, format.Tick);
        if (baselineMean is { } b)
            svg.Line(x[b], Top, x[b], height - AxisSpace + 6, """class="baseline" stroke-dasharray="5,4" """);
        for (var i = 0; i < arms.Count; i++)
        {
            var arm = arms[i];
            var y = Top + i * RowHeight + RowHeight / 2.0;
            svg.Text(Left - 10, y + 4, arm.Name, """text-anchor="end" class="arm" """);
            for (var r = 0; r < arm.Runs.Count; r++)
            {
                var (seed, value) = arm.Runs[r];
                var jitter = ((r * 7) % 11 - 5) * 1.6; // spreads equal values apart, the same on every refresh
                svg.Circle(x[value], y + jitter, 3.5, $"""class="run" fill="{Palette[i % Palette.Length]}" """, $"{arm.Name}, seed {seed}: {format.Value(value)}");
            }
            if (arm.CiLow is { } low && arm.CiHigh is { } high)
                svg.Line(x[low], y, x[high], y, """class="ci" """);
            if (arm.Mean is { } mean)
                svg.Line(x[mean], y - 11, x[mean], y + 11, """class="mean" """);
        }
        return svg.ToString();
    }

    /// <summary>
    /// One line per arm (the mean over its runs) with a ± sd band and a marker at every epoch (a single epoch
    /// is still seen), over the planned epochs (a running batch's curves do not fill the axis yet).
    /// </summary>
    public static string Curves(IReadOnlyList<ArmCurve> arms, string axisLabel, Func<double, string> tick, string title, int plannedEpochs)
    {
        const int width = 420, height = 290, left = 70, right = 16, top = 14, bottom = 48;
        var points = arms.SelectMany(a => a.Points).ToList();
        var svg = new Svg(width, height, title);
        if (points.Count == 0)
            return svg.Text(width / 2.0, height / 2.0, "no epochs recorded yet", """text-anchor="middle" class="label" """).ToString();
        var x = new LinearScale(1, Math.Max(2, Math.Max(plannedEpochs, points.Max(p => p.Epoch))), left, width - right);
        var y = LinearScale.Over(points.SelectMany(p => new[] { p.Low, p.High }), height - bottom, top);
        svg.XAxis(x, height - bottom, top, "epoch", e => e.ToString("0", CultureInfo.InvariantCulture), minStep: 1);
        svg.YAxis(y, left, width - right, axisLabel, tick);
        for (var i = 0; i < arms.Count; i++)
        {
            var colour = Palette[i % Palette.Length];
            var curve = arms[i].Points;
            if (curve.Count == 0)
                continue;
            var band = curve.Select(p => (x[p.Epoch], y[p.High])).Concat(curve.AsEnumerable().Reverse().Select(p => (x[p.Epoch], y[p.Low])));
            svg.Path(band, $"""class="band" fill="{colour}" """, closed: true);
            svg.Path(curve.Select(p => (x[p.Epoch], y[p.Mean])), $"""class="curve" {Stroke(i)} """);
            foreach (var p in curve)
                svg.Circle(x[p.Epoch], y[p.Mean], 3, $"""class="marker" fill="{colour}" """, $"{arms[i].Name}, epoch {p.Epoch}: {tick(p.Mean)} ({p.Runs} runs)");
        }
        return svg.ToString();
    }

    /// <summary>
    /// A sequential batch's looks: the boundary |z| each look held its comparisons to (dashed), and each arm's
    /// |t| against the baseline at every look it took part in; an arm is decided where its path crosses.
    /// </summary>
    public static string Boundary(IReadOnlyList<LookRecord> looks, IReadOnlyList<string> arms)
    {
        const int width = 420, height = 290, left = 70, right = 16, top = 14, bottom = 48;
        var svg = new Svg(width, height, "boundary and each arm's |t| by look");
        var paths = arms.Select(arm => looks.SelectMany(l => l.Arms.Where(a => a.Arm == arm && a.Difference is not null && a.StandardError is > 0)
            .Select(a => (Seeds: (double)l.Seeds, T: Math.Abs(a.Difference!.Value / a.StandardError!.Value)))).ToList()).ToList();
        var boundary = looks.Where(l => l.Arms.Count > 0).Select(l => ((double)l.Seeds, l.Arms[0].Z)).ToList();
        var all = paths.SelectMany(p => p.Select(x => x.T)).Concat(boundary.Select(b => b.Item2)).ToList();
        if (all.Count == 0)
            return svg.Text(width / 2.0, height / 2.0, "no look taken yet", """text-anchor="middle" class="label" """).ToString();
        var x = new LinearScale(0, Math.Max(2, looks.Max(l => l.Seeds)), left, width - right);
        var y = LinearScale.Over(all.Append(0), height - bottom, top);
        svg.XAxis(x, height - bottom, top, "seeds per arm", v => v.ToString("0", CultureInfo.InvariantCulture), minStep: 1);
        svg.YAxis(y, left, width - right, "|t| against the baseline", v => v.ToString("0.#", CultureInfo.InvariantCulture));
        svg.Path(boundary.Select(b => (x[b.Item1], y[b.Item2])), """class="curve" stroke="#444" stroke-dasharray="5 4" """);
        for (var i = 0; i < paths.Count; i++)
        {
            var colour = Palette[(i + 1) % Palette.Length];
            svg.Path(paths[i].Select(p => (x[p.Seeds], y[p.T])), $"""class="curve" stroke="{colour}" """);
            foreach (var (seeds, t) in paths[i])
                svg.Circle(x[seeds], y[t], 4, $"""fill="{colour}" """);
        }
        return svg.ToString();
    }
}
