using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.RootFinding;
using System.Text.Json.Serialization;

namespace Runner.Core.Statistics;

/// <summary>How a group-sequential design spends its α over the looks (Lan and DeMets, 1983).</summary>
public enum Spending
{
    /// <summary>
    /// Two-sided, each side spending α/2 by 2 − 2Φ(z_{1−α/4} / √t), so α(t) = 4 − 4Φ(z_{1−α/4} / √t): almost
    /// nothing early, nearly the fixed design's critical value at the end.
    /// </summary>
    [JsonStringEnumMemberName("obrien-fleming")]
    OBrienFleming,

    /// <summary>α(t) = α ln(1 + (e − 1) t): nearly equal boundaries at every look.</summary>
    Pocock,
}

/// <summary>One look of a two-sided group-sequential design.</summary>
/// <param name="Fraction">Information fraction t_k = n_k / n_max.</param>
/// <param name="Z">The boundary: stop when |Z_k| ≥ Z.</param>
/// <param name="NominalP">The boundary as a two-sided nominal p-value, 2(1 − Φ(Z)).</param>
/// <param name="CumulativeAlpha">α spent up to and including this look, as the design computes it.</param>
public sealed record Look(double Fraction, double Z, double NominalP, double CumulativeAlpha);

/// <summary>
/// Two-sided group-sequential boundaries by α spending, computed for the information fractions actually
/// observed, by the recursive numerical integration of the joint distribution of the score statistics
/// (Armitage, McPherson and Rowe, 1969; Jennison and Turnbull, Group Sequential Methods, ch. 7 and 19).
/// The score S_k = Z_k √t_k is Brownian motion in the information time t, so the density of S_k on the
/// continuation region at look k follows from that at look k − 1 by one convolution with a normal kernel.
/// </summary>
public static class GroupSequential
{
    /// <summary>Simpson grid points over a continuation region; 201 gives boundaries to about 1e-5.</summary>
    private const int GridPoints = 201;

    public static double SpentAlpha(Spending spending, double alpha, double fraction) => fraction <= 0 ? 0 : spending switch
    {
        Spending.OBrienFleming => Math.Min(alpha, 4 - 4 * Normal.CDF(0, 1, Normal.InvCDF(0, 1, 1 - alpha / 4) / Math.Sqrt(Math.Min(1, fraction)))),
        _ => alpha * Math.Log(1 + (Math.E - 1) * Math.Min(1, fraction)),
    };

    /// <summary>
    /// The boundaries for looks at the given increasing information fractions (the last is normally 1),
    /// spending α in total, two-sided.
    /// </summary>
    public static IReadOnlyList<Look> Boundaries(IReadOnlyList<double> fractions, double alpha, Spending spending)
    {
        if (fractions.Count == 0 || fractions[0] <= 0 || fractions.Zip(fractions.Skip(1)).Any(f => f.Second <= f.First) || fractions[^1] > 1)
            throw new ArgumentException("Information fractions must increase within (0, 1].", nameof(fractions));
        if (!(alpha is > 0 and < 1))
            throw new ArgumentException("α must lie in (0, 1).", nameof(alpha));

        var looks = new List<Look>();
        Density? density = null;
        var spent = 0.0;
        for (var k = 0; k < fractions.Count; k++)
        {
            var t = fractions[k];
            var target = SpentAlpha(spending, alpha, t) - spent;
            double z;
            if (density is null)
                z = Normal.InvCDF(0, 1, 1 - target / 2);
            else
            {
                var previous = density;
                var remaining = previous.Mass();
                // Spending more than can still be spent (a look far too close to the last) leaves the boundary at
                // the point where everything continuing would stop; a target of nothing puts it out of reach.
                if (target <= 1e-15)
                    z = 40;
                else if (target >= remaining)
                    z = 0;
                else
                    z = Brent.FindRoot(c => previous.ExitProbability(c * Math.Sqrt(t), t) - target, 0, 40, 1e-10, 200);
            }
            var exit = density is null ? 2 * (1 - Normal.CDF(0, 1, z)) : density.ExitProbability(z * Math.Sqrt(t), t);
            spent += exit;
            looks.Add(new Look(t, z, 2 * (1 - Normal.CDF(0, 1, z)), spent));
            density = density is null ? Density.First(t, z * Math.Sqrt(t)) : density.Next(t, z * Math.Sqrt(t));
        }
        return looks;
    }

    /// <summary>
    /// The probability of stopping at each look (crossing ±z_k, two-sided) when the score drifts by
    /// <paramref name="drift"/> per unit of information time: with drift 0 the α spent per look, with the
    /// drift of a true difference the power spent per look.
    /// </summary>
    public static IReadOnlyList<double> StoppingProbabilities(IReadOnlyList<Look> looks, double drift)
    {
        var stops = new List<double>();
        Density? density = null;
        foreach (var look in looks)
        {
            var bound = look.Z * Math.Sqrt(look.Fraction);
            if (density is null)
            {
                var sd = Math.Sqrt(look.Fraction);
                stops.Add(Normal.CDF(drift * look.Fraction, sd, -bound) + 1 - Normal.CDF(drift * look.Fraction, sd, bound));
                density = Density.First(look.Fraction, bound, drift);
            }
            else
            {
                stops.Add(density.ExitProbability(bound, look.Fraction));
                density = density.Next(look.Fraction, bound);
            }
        }
        return stops;
    }

    /// <summary>Equally spaced looks: fractions 1/K, 2/K, …, 1.</summary>
    public static IReadOnlyList<double> EqualFractions(int looks) => Enumerable.Range(1, looks).Select(k => (double)k / looks).ToList();

    /// <summary>
    /// The sub-density of the score S at information time <see cref="Time"/> over the continuation region
    /// (−<see cref="Bound"/>, <see cref="Bound"/>), on a Simpson grid: the paths that have not stopped yet.
    /// </summary>
    private sealed class Density(double time, double bound, double drift, double[] points, double[] values)
    {
        public double Time { get; } = time;
        public double Bound { get; } = bound;

        /// <param name="drift">E[S(t)] = drift × t: 0 under the null, δ/σ × √(n_max / 2) for a true difference δ.</param>
        public static Density First(double t, double bound, double drift = 0)
        {
            var points = Grid(bound);
            var sd = Math.Sqrt(t);
            return new Density(t, bound, drift, points, points.Select(s => Normal.PDF(drift * t, sd, s)).ToArray());
        }

        /// <summary>Probability of still continuing: the integral of the sub-density.</summary>
        public double Mass() => Integrate(i => values[i]);

        /// <summary>Probability of continuing to now and then crossing ±<paramref name="bound"/> at time <paramref name="t"/>.</summary>
        public double ExitProbability(double bound, double t)
        {
            var (shift, scale) = (drift * (t - Time), 1 / Math.Sqrt(2 * (t - Time)));
            // Φ(a) + 1 − Φ(b) = (erfc(−a/√2) + erfc(b/√2)) / 2, without the distribution object's checks in the root search's loop.
            return Integrate(i => values[i] * 0.5 * (SpecialFunctions.Erfc((bound + points[i] + shift) * scale) + SpecialFunctions.Erfc((bound - points[i] - shift) * scale)));
        }

        public Density Next(double t, double bound)
        {
            var next = Grid(bound);
            var (sd, shift) = (Math.Sqrt(t - Time), drift * (t - Time));
            // The convolution is the hot loop of every boundary: Simpson weights folded in once, the normal kernel written out.
            var weighted = new double[GridPoints];
            var h = 2 * Bound / (GridPoints - 1);
            for (var i = 0; i < GridPoints; i++)
                weighted[i] = values[i] * SimpsonWeight(i) * h / 3;
            var (scale, norm) = (-0.5 / (sd * sd), 1 / (sd * Math.Sqrt(2 * Math.PI)));
            var result = new double[next.Length];
            for (var j = 0; j < next.Length; j++)
            {
                var sum = 0.0;
                for (var i = 0; i < GridPoints; i++)
                {
                    var x = next[j] - points[i] - shift;
                    sum += weighted[i] * Math.Exp(scale * x * x);
                }
                result[j] = sum * norm;
            }
            return new Density(t, bound, drift, next, result);
        }

        private static int SimpsonWeight(int i) => i == 0 || i == GridPoints - 1 ? 1 : i % 2 == 1 ? 4 : 2;

        private double Integrate(Func<int, double> f)
        {
            var h = 2 * Bound / (GridPoints - 1);
            var sum = 0.0;
            for (var i = 0; i < GridPoints; i++)
                sum += SimpsonWeight(i) * f(i);
            return sum * h / 3;
        }

        private static double[] Grid(double bound) =>
            Enumerable.Range(0, GridPoints).Select(i => -bound + 2 * bound * i / (GridPoints - 1)).ToArray();
    }
}
