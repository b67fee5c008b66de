using System.Globalization;
using System.Text;
using static TorchSharp.torch;

namespace Runner.Core.Conformance;

/// <summary>
/// Quantities compared with the original in the order they arise, each as ‖Runner − original‖₂ / ‖original‖₂ (the
/// absolute difference where the original's is 0) against its bound; <see cref="First"/> is the first that diverges.
/// </summary>
public sealed class Divergence(string trajectory, string check)
{
    public sealed record Row(string Quantity, double Relative, double Bound)
    {
        public bool Within => Relative <= Bound;
    }

    private readonly List<Row> _rows = [];

    public string Trajectory => trajectory;

    /// <summary>What was compared: "first step", "along the run", "last step", "whitening".</summary>
    public string Check => check;

    public IReadOnlyList<Row> Rows => _rows;

    /// <summary>The first quantity outside its bound; null when every one is within.</summary>
    public Row? First => _rows.FirstOrDefault(r => !r.Within);

    public static double Relative(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        var (a, b) = (actual.cpu().to(ScalarType.Float64), expected.cpu().to(ScalarType.Float64));
        var norm = b.norm().item<double>();
        var difference = (a - b).norm().item<double>();
        return norm > 0 ? difference / norm : difference;
    }

    public void Within(string quantity, Tensor actual, Tensor expected, double bound)
    {
        if (!actual.shape.SequenceEqual(expected.shape))
            throw new InvalidOperationException($"{trajectory}: {quantity} has shape [{string.Join(", ", actual.shape)}], the original's [{string.Join(", ", expected.shape)}].");
        _rows.Add(new Row(quantity, Relative(actual, expected), bound));
    }

    public void Within(string quantity, double actual, double expected, double bound) =>
        _rows.Add(new Row(quantity, expected != 0 ? Math.Abs(actual - expected) / Math.Abs(expected) : Math.Abs(actual), bound));

    /// <summary>Every entry of a state, by Runner's names, each against its own bound; both must have the same entries.</summary>
    public void Within(string quantity, IReadOnlyDictionary<string, Tensor> actual, IReadOnlyDictionary<string, Tensor> expected, Func<string, double> bound)
    {
        if (!expected.Keys.Order(StringComparer.Ordinal).SequenceEqual(actual.Keys.Order(StringComparer.Ordinal)))
            throw new InvalidOperationException($"{trajectory}: {quantity} names [{string.Join(", ", actual.Keys.Order())}], the original's [{string.Join(", ", expected.Keys.Order())}].");
        foreach (var (name, tensor) in expected.OrderBy(e => e.Key, StringComparer.Ordinal))
            Within($"{quantity}: {name}", actual[name], tensor, bound(name));
    }

    public void Within(string quantity, IReadOnlyDictionary<string, Tensor> actual, IReadOnlyDictionary<string, Tensor> expected, double bound) =>
        Within(quantity, actual, expected, _ => bound);

    /// <summary>One line a quantity: its relative difference, its bound, and DIVERGES where it is outside.</summary>
    public override string ToString()
    {
        var table = new StringBuilder();
        foreach (var row in _rows)
            table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{row.Quantity,-60} {row.Relative,10:E2}  ≤ {row.Bound:E2}{(row.Within ? "" : "  DIVERGES")}"));
        return table.ToString();
    }

    /// <summary>The sentence a failure gives: the first quantity that diverges and by how much.</summary>
    public string? Failure => First is { } first
        ? string.Create(CultureInfo.InvariantCulture, $"{trajectory}, {check}: {first.Quantity} is the first to diverge from the original: relative difference {first.Relative:E2}, bound {first.Bound:E2}.")
        : null;
}
