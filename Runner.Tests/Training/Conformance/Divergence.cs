using System.Text;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Runner.Tests.Training.Conformance;

/// <summary>
/// Quantities compared with the original in the order they arise, each as ‖Runner − original‖₂ / ‖original‖₂ (the
/// absolute difference where the original's is 0) against its bound; a failure names the first that diverges.
/// </summary>
public sealed class Divergence(string trajectory)
{
    private readonly List<(string Quantity, double Relative, double Bound)> _rows = [];

    public static double Relative(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        var (a, b) = (actual.to(ScalarType.Float64), expected.to(ScalarType.Float64));
        var norm = b.norm().item<double>();
        var difference = (a - b).norm().item<double>();
        return norm > 0 ? difference / norm : difference;
    }

    public void Within(string quantity, Tensor actual, Tensor expected, double bound)
    {
        Xunit.Assert.Equal(expected.shape, actual.shape);
        _rows.Add((quantity, Relative(actual, expected), bound));
    }

    public void Within(string quantity, double actual, double expected, double bound) =>
        _rows.Add((quantity, expected != 0 ? Math.Abs(actual - expected) / Math.Abs(expected) : Math.Abs(actual), bound));

    /// <summary>Every entry of a state, by Runner's names; both must have the same entries.</summary>
    public void Within(string quantity, Dictionary<string, Tensor> actual, Dictionary<string, Tensor> expected, double bound) =>
        Within(quantity, actual, expected, _ => bound);

    /// <summary>Every entry of a state, by Runner's names, each against its own bound; both must have the same entries.</summary>
    public void Within(string quantity, Dictionary<string, Tensor> actual, Dictionary<string, Tensor> expected, Func<string, double> bound)
    {
        Xunit.Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected.OrderBy(e => e.Key, StringComparer.Ordinal))
            Within($"{quantity}: {name}", actual[name], tensor, bound(name));
    }

    public void Assert(ITestOutputHelper output)
    {
        var table = new StringBuilder();
        foreach (var (quantity, relative, bound) in _rows)
            table.AppendLine($"{quantity,-60} {relative,10:E2}  ≤ {bound:E2}{(relative <= bound ? "" : "  DIVERGES")}");
        output.WriteLine($"{trajectory}:\n{table}");
        var first = _rows.FirstOrDefault(r => !(r.Relative <= r.Bound));
        if (first.Quantity is not null)
            Xunit.Assert.Fail($"{trajectory}: {first.Quantity} is the first to diverge from the original: relative difference {first.Relative:E2}, bound {first.Bound:E2}.\n{table}");
    }
}
