using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;
using MathNet.Numerics.Statistics;
using Runner.Core.Statistics;

namespace Runner.Core.Factorial;

/// <summary>Where an effect's standard error comes from.</summary>
public enum ErrorEstimate
{
    /// <summary>The model's residual variance (replicates and unmodelled contrasts).</summary>
    Residual,

    /// <summary>
    /// Lenth's pseudo standard error of the effects themselves (Technometrics 31, 1989): the model is saturated, so no
    /// residual is left; effects are judged against the bulk of effects, which sparsity says are mostly null.
    /// </summary>
    Lenth,
}

/// <summary>The analysis of a factorial batch (<see cref="FactorialAnalysis"/>).</summary>
public sealed record FactorialResult
{
    public required string Design { get; init; }
    public required int Observations { get; init; }
    public required ErrorEstimate ErrorEstimate { get; init; }

    /// <summary>The residual degrees of freedom, or Lenth's m/3.</summary>
    public required double Df { get; init; }

    public required IReadOnlyList<FactorialEffect> MainEffects { get; init; }
    public required IReadOnlyList<FactorialEffect> Interactions { get; init; }

    /// <summary>Each factor's effect at the base recipe (every other factor at its base level), where the design estimates it.</summary>
    public required IReadOnlyList<FactorialEffect> AtBase { get; init; }

    public required IReadOnlyList<string> Notes { get; init; }
}

/// <summary>
/// Ordinary least squares on ±1 coding, by QR (MathNet): an intercept, a block per seed (treatment coding, as R's
/// <c>factor(seed)</c>), the main effects and one column per estimable two-factor-interaction chain
/// (<see cref="FactorialDesign.InteractionChains"/>). An effect is twice its coefficient: high minus low. Main effects
/// and interactions are two families, each adjusted by the batch's correction. The same model in R,
/// <c>lm(y ~ factor(seed) + A + B + … + A:B + …)</c>, gives the same estimates, errors, t, df and p.
/// </summary>
public static class FactorialAnalysis
{
    /// <summary>Below this many residual degrees of freedom the note recommends more seeds.</summary>
    public const int FewResidualDf = 3;

    /// <param name="labels">What each factor is, for the effects' labels.</param>
    /// <param name="baseLevels">Each factor's level in the base recipe (−1 or +1), or null where the base has neither.</param>
    public static FactorialResult Analyze(FactorialDesign design, IReadOnlyList<FactorialObservation> observations,
        IReadOnlyList<string> labels, IReadOnlyList<int?> baseLevels, double level, Correction correction)
    {
        var notes = new List<string>();
        var configurations = design.Configurations();
        var seeds = observations.Select(o => o.Seed).Distinct().Order().ToList();
        var mains = Enumerable.Range(0, design.Factors).Select(f => Effect.Of(f)).ToList();
        var chains = design.InteractionChains();
        var terms = mains.Concat(chains).ToList();
        var blocks = seeds.Count - 1;
        var columns = 1 + blocks + terms.Count;
        var empty = new FactorialResult
        {
            Design = design.Describe(), Observations = observations.Count, ErrorEstimate = ErrorEstimate.Residual, Df = 0,
            MainEffects = [], Interactions = [], AtBase = [], Notes = notes,
        };
        if (observations.Count < columns)
        {
            notes.Add($"{observations.Count} runs with a value; the model has {columns} coefficients. Wait for more runs.");
            return empty;
        }

        var x = Matrix<double>.Build.Dense(observations.Count, columns, (row, column) =>
        {
            var o = observations[row];
            if (column == 0)
                return 1;
            if (column <= blocks)
                return o.Seed == seeds[column] ? 1 : 0;
            return terms[column - 1 - blocks].Sign(configurations[o.Configuration]);
        });
        var y = Vector<double>.Build.Dense(observations.Select(o => o.Value).ToArray());
        var qr = x.QR(QRMethod.Thin);
        var diagonal = Enumerable.Range(0, columns).Select(i => Math.Abs(qr.R[i, i])).ToList();
        if (diagonal.Min() <= 1e-9 * diagonal.Max())
        {
            notes.Add("The runs with a value do not separate every effect (too many configurations missing); wait for the batch to finish.");
            return empty;
        }
        var beta = qr.Solve(y);
        var residualDf = observations.Count - columns;
        var rInverse = qr.R.Inverse();
        var unscaled = rInverse * rInverse.Transpose(); // (X'X)⁻¹

        var alpha = 1 - level;
        var termIndex = (int t) => 1 + blocks + t;
        List<FactorialEffect> Family(IReadOnlyList<Effect> family, int offset, double variance, double df, ErrorEstimate source)
        {
            var raw = family.Select((effect, i) =>
            {
                var estimate = 2 * beta[termIndex(offset + i)];
                var se = source == ErrorEstimate.Lenth ? variance : 2 * Math.Sqrt(variance * unscaled[termIndex(offset + i), termIndex(offset + i)]);
                return (effect, estimate, se);
            }).ToList();
            var p = raw.Select(r => r.se > 0 ? StudentT.TwoSidedP(r.estimate / r.se, df) : double.NaN).ToList();
            var adjusted = PValueAdjustment.Adjust(p, correction);
            var quantile = StudentT.Quantile(1 - alpha / 2, df);
            return raw.Select((r, i) => r.se > 0
                ? new FactorialEffect
                {
                    Term = r.effect.ToString(), Label = Label(r.effect, labels), AliasChain = design.AliasChain(r.effect).Select(a => a.ToString()).ToList(),
                    Estimate = r.estimate, StandardError = r.se, T = r.estimate / r.se, Df = df, P = p[i], AdjustedP = adjusted[i],
                    Lower = r.estimate - quantile * r.se, Upper = r.estimate + quantile * r.se, Significant = adjusted[i] < alpha,
                }
                : new FactorialEffect
                {
                    Term = r.effect.ToString(), Label = Label(r.effect, labels), AliasChain = design.AliasChain(r.effect).Select(a => a.ToString()).ToList(),
                    Estimate = r.estimate,
                }).ToList();
        }

        if (residualDf == 0)
        {
            var contrasts = terms.Select((_, t) => 2 * beta[termIndex(t)]).ToList();
            if (contrasts.Count < 3)
            {
                notes.Add("No residual degrees of freedom and too few effects for Lenth's pseudo standard error; run more seeds.");
                return empty;
            }
            var pse = LenthPse(contrasts);
            var df = contrasts.Count / 3.0;
            notes.Add($"The design is saturated (one seed, no residual degrees of freedom): errors are Lenth's pseudo standard error, {pse:G4}, with t on {df:G3} degrees of freedom (m/3, m = {contrasts.Count} effects); run more seeds for an error estimate of its own.");
            return empty with
            {
                ErrorEstimate = ErrorEstimate.Lenth, Df = df,
                MainEffects = Family(mains, 0, pse, df, ErrorEstimate.Lenth),
                Interactions = Family(chains, mains.Count, pse, df, ErrorEstimate.Lenth),
            };
        }

        var residual = y - x * beta;
        var variance = residual.DotProduct(residual) / residualDf;
        if (residualDf < FewResidualDf)
            notes.Add($"Only {residualDf} residual degree{(residualDf == 1 ? "" : "s")} of freedom: the intervals are wide and the tests weak; run more seeds.");
        return empty with
        {
            Df = residualDf,
            MainEffects = Family(mains, 0, variance, residualDf, ErrorEstimate.Residual),
            Interactions = Family(chains, mains.Count, variance, residualDf, ErrorEstimate.Residual),
            AtBase = AtBase(design, chains, baseLevels, labels, beta, unscaled, variance, residualDf, level, blocks),
        };
    }

    /// <summary>
    /// Lenth's pseudo standard error: s0 = 1.5 · median |c|, then 1.5 · the median of the |c| below 2.5 · s0.
    /// </summary>
    public static double LenthPse(IReadOnlyList<double> contrasts)
    {
        var magnitudes = contrasts.Select(Math.Abs).ToArray();
        var s0 = 1.5 * magnitudes.Median();
        return 1.5 * magnitudes.Where(c => c < 2.5 * s0).Median();
    }

    /// <summary>
    /// Where every interaction with a factor is estimated on its own (a full or resolution V+ design) and every other
    /// factor's base level is one of its two: that factor's effect with all others at their base levels, the
    /// leave-one-out question, as 2β_i + Σ_j 2β_ij z_j with its interval from the model's covariance.
    /// </summary>
    private static List<FactorialEffect> AtBase(FactorialDesign design, IReadOnlyList<Effect> chains, IReadOnlyList<int?> baseLevels,
        IReadOnlyList<string> labels, Vector<double> beta, Matrix<double> unscaled, double variance, int df, double level, int blocks)
    {
        if (!(design.IsFull || design.Resolution >= 5) || baseLevels.Any(b => b is null))
            return [];
        var quantile = StudentT.Quantile(1 - (1 - level) / 2, df);
        var effects = new List<FactorialEffect>();
        for (var factor = 0; factor < design.Factors; factor++)
        {
            var weights = Vector<double>.Build.Dense(beta.Count);
            weights[1 + blocks + factor] = 2;
            for (var c = 0; c < chains.Count; c++)
                if (chains[c].Has(factor))
                {
                    var other = chains[c].Factors().First(f => f != factor);
                    weights[1 + blocks + design.Factors + c] = 2 * baseLevels[other]!.Value;
                }
            var estimate = weights.DotProduct(beta);
            var se = Math.Sqrt(variance * weights.DotProduct(unscaled * weights));
            effects.Add(new FactorialEffect
            {
                Term = Effect.Of(factor).ToString(), Label = labels[factor], AliasChain = [Effect.Of(factor).ToString()],
                Estimate = estimate, StandardError = se, T = estimate / se, Df = df, P = StudentT.TwoSidedP(estimate / se, df),
                Lower = estimate - quantile * se, Upper = estimate + quantile * se,
                Significant = StudentT.TwoSidedP(estimate / se, df) < 1 - level,
            });
        }
        return effects;
    }

    private static string Label(Effect effect, IReadOnlyList<string> labels) => string.Join(" × ", effect.Factors().Select(f => labels[f]));
}
