namespace Runner.Core.Factorial;

/// <summary>
/// A regular two-level design of <see cref="Factors"/> factors: the full 2^k factorial, or the 2^(k−p) fraction in which
/// each generated factor's column is the product of base factors' columns (E = ABC). Its configurations, defining
/// relation, resolution, word-length pattern and alias chains follow from the generators alone (Montgomery, Design and
/// Analysis of Experiments, ch. 8; Box, Hunter and Hunter, ch. 6).
/// </summary>
public sealed class FactorialDesign
{
    public const int MinFactors = 2;
    public const int MaxFactors = 15;

    private FactorialDesign(int factors, IReadOnlyList<Generator> generators)
    {
        Factors = factors;
        Generators = generators;
        var generated = generators.Aggregate(0u, (bits, g) => bits | (1u << g.Factor));
        BaseFactors = Enumerable.Range(0, factors).Where(f => (generated & (1u << f)) == 0).ToList();
        DefiningRelation = Span(generators.Select(g => g.Word * Effect.Of(g.Factor)).ToList());
        Resolution = DefiningRelation.Count == 0 ? null : DefiningRelation.Min(w => w.Order);
    }

    /// <summary>A generated factor and the product of base factors that is its column.</summary>
    public sealed record Generator(int Factor, Effect Word)
    {
        public override string ToString() => $"{Effect.Letters[Factor]} = {Word}";
    }

    public int Factors { get; }

    public IReadOnlyList<Generator> Generators { get; }

    /// <summary>The factors whose levels run through all their combinations, the first fastest (standard order).</summary>
    public IReadOnlyList<int> BaseFactors { get; }

    public int Runs => 1 << BaseFactors.Count;

    public bool IsFull => Generators.Count == 0;

    /// <summary>The words equal to the identity (I = ABCE = …), the identity left out; empty for the full factorial.</summary>
    public IReadOnlyList<Effect> DefiningRelation { get; }

    /// <summary>The length of the shortest word of the defining relation; null for the full factorial (no aliasing).</summary>
    public int? Resolution { get; }

    public static FactorialDesign Full(int factors) => new(factors, []);

    /// <summary>The fraction with these generators; they are assumed checked (<see cref="Problem"/>).</summary>
    public static FactorialDesign Fraction(int factors, IReadOnlyList<Generator> generators) =>
        new(factors, generators.OrderBy(g => g.Factor).ToList());

    /// <summary>
    /// Why these generators do not make a design, in one sentence; null when they do: each generated factor is a
    /// product of at least two base factors (factors that are not generated), and no two factors share a column
    /// (resolution at least III).
    /// </summary>
    public static string? Problem(int factors, IReadOnlyList<Generator> generators)
    {
        var generated = generators.Aggregate(0u, (bits, g) => bits | (1u << g.Factor));
        foreach (var g in generators)
        {
            var letter = Effect.Letters[g.Factor];
            if ((g.Word.Bits & generated) != 0)
                return $"{letter} = {g.Word}: a generator is a product of base factors only, not of generated ones.";
            if (g.Word.Order < 2)
                return $"{letter} = {g.Word}: a generator needs at least two base factors, or {letter} would be the same column as {g.Word}.";
        }
        var design = new FactorialDesign(factors, generators.OrderBy(g => g.Factor).ToList());
        return design.Resolution < 3
            ? $"The generators make {string.Join(" and ", design.DefiningRelation.First(w => w.Order < 3).Factors().Select(f => Effect.Letters[f]))} the same column (resolution II)."
            : null;
    }

    /// <summary>Every configuration's factor levels (−1 or +1), in standard order: the first base factor alternates fastest.</summary>
    public IReadOnlyList<int[]> Configurations()
    {
        var rows = new List<int[]>(Runs);
        for (var row = 0; row < Runs; row++)
        {
            var levels = new int[Factors];
            for (var j = 0; j < BaseFactors.Count; j++)
                levels[BaseFactors[j]] = ((row >> j) & 1) == 1 ? 1 : -1;
            foreach (var g in Generators)
                levels[g.Factor] = g.Word.Sign(levels);
            rows.Add(levels);
        }
        return rows;
    }

    /// <summary>
    /// The effects aliased with <paramref name="effect"/> (it first, then by order and letters), up to
    /// <paramref name="maxOrder"/>: what its estimate also contains.
    /// </summary>
    public IReadOnlyList<Effect> AliasChain(Effect effect, int maxOrder = 3) =>
        [effect, .. DefiningRelation.Select(w => effect * w).Where(a => a.Order <= maxOrder).OrderBy(a => a.Order).ThenBy(a => a.ToString(), StringComparer.Ordinal)];

    /// <summary>
    /// The two-factor interactions the design estimates, one per alias chain that holds no main effect, each chain
    /// represented by its first interaction (AB before AC): every interaction in a full or resolution V+ design, the
    /// chains of a resolution IV design; none in resolution III, where interactions are aliased with main effects.
    /// </summary>
    public IReadOnlyList<Effect> InteractionChains()
    {
        if (Resolution is 3)
            return [];
        var seen = new HashSet<uint>();
        var chains = new List<Effect>();
        for (var i = 0; i < Factors; i++)
            for (var j = i + 1; j < Factors; j++)
            {
                var interaction = Effect.Of(i, j);
                var coset = DefiningRelation.Select(w => interaction * w).Append(interaction).ToList();
                if (coset.Any(e => e.Order == 1) || !seen.Add(coset.Min(e => e.Bits)))
                    continue;
                chains.Add(interaction);
            }
        return chains;
    }

    /// <summary>Counts of defining words by length: element L is the number of words of length L (A3, A4, … of the literature).</summary>
    public int[] WordLengthPattern()
    {
        var counts = new int[Factors + 1];
        foreach (var w in DefiningRelation)
            counts[w.Order]++;
        return counts;
    }

    /// <summary>"2^(9−4) resolution IV, 32 configurations" or "full 2^4, 16 configurations".</summary>
    public string Describe() =>
        IsFull
            ? $"full 2^{Factors}, {Runs} configurations"
            : $"2^({Factors}−{Generators.Count}) resolution {Roman(Resolution!.Value)}, {Runs} configurations";

    public static string Roman(int resolution) =>
        resolution switch { 3 => "III", 4 => "IV", 5 => "V", 6 => "VI", 7 => "VII", 8 => "VIII", _ => resolution.ToString() };

    /// <summary>All products of the given words, the identity left out.</summary>
    private static List<Effect> Span(IReadOnlyList<Effect> words)
    {
        var span = new List<Effect>();
        for (var subset = 1; subset < 1 << words.Count; subset++)
        {
            var product = Effect.Identity;
            for (var i = 0; i < words.Count; i++)
                if ((subset & (1 << i)) != 0)
                    product *= words[i];
            span.Add(product);
        }
        return span;
    }
}
