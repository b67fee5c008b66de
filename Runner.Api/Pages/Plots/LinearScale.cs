using System.Globalization;

namespace Runner.Api.Pages.Plots;

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

    /// <summary>
    /// A tick's label in the axis's units (<paramref name="factor"/> 100 for percent) with as many decimals as
    /// the step between ticks needs and no more: 93.5, 94, 94.5 rather than 93.50, 94.00.
    /// </summary>
    public static string TickLabel(double value, IReadOnlyList<double> ticks, double factor = 1)
    {
        var step = ticks.Count > 1 ? Math.Abs(ticks[1] - ticks[0]) * factor : 1;
        var decimals = Enumerable.Range(0, 7).First(d => d == 6 || Math.Abs(Math.Round(step, d) - step) < step * 1e-6);
        return (value * factor).ToString("F" + decimals, CultureInfo.InvariantCulture);
    }
}
