using MathNet.Numerics.Distributions;
using Runner.Core.Statistics;

namespace Runner.Core.Factorial;

/// <summary>
/// What a factorial batch finds, in simulation: batches of a design with every configuration run under each of
/// <c>seeds</c> seeds (a block each), values drawn from a model of additive main effects, an optional two-factor
/// interaction, a normal block effect per seed and normal noise, each batch analysed by <see cref="FactorialAnalysis"/>
/// as a real batch is. Deterministic for a given seed; batches run in parallel.
/// </summary>
public static class FactorialSimulation
{
    /// <summary>A two-factor interaction in the simulated model: the pair gains <paramref name="Together"/> only when both are high.</summary>
    public sealed record Interaction(int First, int Second, double Together);

    /// <summary>
    /// Per batch on average: <see cref="Discoveries"/>, the factors with a real (positive) effect found significant and
    /// positive; <see cref="Power"/> per factor; <see cref="FamilyWiseError"/>, the share of batches with any main
    /// effect of a null factor significant; <see cref="InteractionFound"/>, the share of batches in which the
    /// interaction's chain was significant (null without an interaction).
    /// </summary>
    public sealed record Result(int Runs, double Discoveries, IReadOnlyList<double> Power, double FamilyWiseError, double? InteractionFound, string? InteractionChain);

    /// <param name="effects">Each factor's main effect (high minus low).</param>
    public static Result Run(FactorialDesign design, IReadOnlyList<double> effects, Interaction? interaction, double sd, double blockSd, int seeds,
        int batches, int seed, double level = 0.95, Correction correction = Correction.Holm)
    {
        var configurations = design.Configurations();
        var labels = Enumerable.Range(0, design.Factors).Select(f => Effect.Letters[f].ToString()).ToList();
        var noBase = labels.Select(_ => (int?)null).ToList();
        var chain = interaction is null ? null : ChainOf(design, Effect.Of(interaction.First, interaction.Second));
        var found = new int[design.Factors];
        var anyNullFound = 0;
        var interactionFound = 0;
        var gate = new Lock();
        Parallel.For(0, batches, () => (Found: new int[design.Factors], AnyNull: 0, Interaction: 0), (b, _, local) =>
        {
            var random = new Random(HashCode.Combine(seed, b));
            var observations = new List<FactorialObservation>(configurations.Count * seeds);
            for (var s = 0; s < seeds; s++)
            {
                var block = Normal.Sample(random, 0, blockSd);
                for (var c = 0; c < configurations.Count; c++)
                {
                    var levels = configurations[c];
                    var mean = block + effects.Select((e, f) => e / 2 * levels[f]).Sum();
                    if (interaction is not null && levels[interaction.First] > 0 && levels[interaction.Second] > 0)
                        mean += interaction.Together;
                    observations.Add(new FactorialObservation(c, s, mean + Normal.Sample(random, 0, sd)));
                }
            }
            var result = FactorialAnalysis.Analyze(design, observations, labels, noBase, level, correction);
            var anyNull = false;
            foreach (var (effect, f) in result.MainEffects.Select((e, f) => (e, f)))
            {
                if (effect.Significant && effects[f] > 0 && effect.Estimate > 0)
                    local.Found[f]++;
                anyNull |= effect.Significant && effects[f] == 0 && (interaction is null || (f != interaction.First && f != interaction.Second));
            }
            if (anyNull)
                local.AnyNull++;
            if (chain is { } term && result.Interactions.FirstOrDefault(e => e.Term == term.ToString()) is { Significant: true })
                local.Interaction++;
            return local;
        }, local =>
        {
            lock (gate)
            {
                for (var f = 0; f < found.Length; f++)
                    found[f] += local.Found[f];
                anyNullFound += local.AnyNull;
                interactionFound += local.Interaction;
            }
        });
        var power = found.Select(n => (double)n / batches).ToList();
        return new Result(configurations.Count * seeds, power.Sum(), power, (double)anyNullFound / batches,
            chain is null ? null : (double)interactionFound / batches, chain is { } c ? string.Join(" = ", design.AliasChain(c)) : null);
    }

    /// <summary>The estimated chain (its first term) that holds <paramref name="interaction"/>; null when the design does not estimate it.</summary>
    private static Effect? ChainOf(FactorialDesign design, Effect interaction) =>
        design.InteractionChains().Where(c => design.AliasChain(c, design.Factors).Contains(interaction)).Select(c => (Effect?)c).FirstOrDefault();
}
