namespace Runner.Core.Factorial;

/// <summary>
/// The design a <c>{"resolution": R}</c> request gets: the fewest configurations of any regular 2^(k−p) design of at
/// least resolution R, and among those the minimum-aberration one (fewest shortest words: A_R, then A_(R+1), …; Fries
/// and Hunter 1980), the tables' criterion. Found by search rather than copied from a table: the first k−p factors are
/// the base factors (every regular fraction is such a design up to renaming its factors), each remaining factor gets a
/// product of at least R−1 base factors, and a partial choice is dropped as soon as its defining relation has a word
/// shorter than R. Candidates come longest first, each length in the order BCDE, ACDE, ABDE, … (the letter left out
/// advancing), so that the published designs come out as tabulated (9 factors: F = BCDE, G = ACDE, H = ABDE,
/// J = ABCE); a tie in aberration keeps the first found.
/// </summary>
public static class MinimumAberration
{
    /// <summary>The most partial designs one search visits; beyond it the request must name its generators.</summary>
    public const int MaxVisited = 2_000_000;

    /// <summary>The design, or why there is none within <paramref name="maxRuns"/> configurations (one sentence).</summary>
    public static (FactorialDesign? Design, string? Problem) Find(int factors, int resolution, int maxRuns)
    {
        for (var baseFactors = MinBase(factors); baseFactors <= factors && 1 << baseFactors <= maxRuns; baseFactors++)
        {
            if (baseFactors == factors)
                return (FactorialDesign.Full(factors), null);
            var search = new Search(factors, baseFactors, resolution);
            if (!search.Run())
                return (null, $"Searching the 2^({factors}−{factors - baseFactors}) designs of resolution {resolution} takes more than {MaxVisited:N0} steps; give the generators instead.");
            if (search.Best is { } best)
                return (FactorialDesign.Fraction(factors, best.Select((word, i) => new FactorialDesign.Generator(baseFactors + i, word)).ToList()), null);
        }
        return (null, $"No design of {factors} factors with resolution {resolution} has at most {maxRuns} configurations (Batches__MaxRuns).");
    }

    /// <summary>k factors need at least k + 1 configurations (one degree of freedom each and the mean).</summary>
    private static int MinBase(int factors)
    {
        var q = 1;
        while ((1 << q) < factors + 1)
            q++;
        return q;
    }

    private sealed class Search(int factors, int baseFactors, int resolution)
    {
        private readonly List<Effect> _candidates = Candidates(baseFactors, resolution);
        private readonly Effect[] _chosen = new Effect[factors - baseFactors];
        private int _visited;

        public Effect[]? Best { get; private set; }
        private int[]? _bestPattern;

        /// <summary>False when the search was cut short.</summary>
        public bool Run() => Extend(0, 0, []);

        private bool Extend(int depth, int from, List<Effect> relation)
        {
            if (++_visited > MaxVisited)
                return false;
            if (depth == _chosen.Length)
            {
                var pattern = new int[factors + 1];
                foreach (var w in relation)
                    pattern[w.Order]++;
                if (_bestPattern is null || Better(pattern, _bestPattern))
                    (Best, _bestPattern) = (_chosen.ToArray(), pattern);
                return true;
            }
            for (var i = from; i < _candidates.Count; i++)
            {
                var word = _candidates[i] * Effect.Of(baseFactors + depth);
                var grown = new List<Effect>(relation.Count * 2 + 1) { word };
                var shortEnough = word.Order >= resolution;
                foreach (var w in relation)
                {
                    var product = w * word;
                    shortEnough &= product.Order >= resolution;
                    grown.Add(w);
                    grown.Add(product);
                }
                if (!shortEnough)
                    continue;
                _chosen[depth] = _candidates[i];
                if (!Extend(depth + 1, i + 1, grown))
                    return false;
            }
            return true;
        }

        private static bool Better(int[] pattern, int[] than)
        {
            for (var length = 0; length < pattern.Length; length++)
                if (pattern[length] != than[length])
                    return pattern[length] < than[length];
            return false;
        }

        private static List<Effect> Candidates(int baseFactors, int resolution) =>
            Enumerable.Range(1, (1 << baseFactors) - 1).Select(bits => new Effect((uint)bits))
                .Where(w => w.Order >= Math.Max(2, resolution - 1))
                .OrderByDescending(w => w.Order)
                .ThenBy(w => ~w.Bits & ((1u << baseFactors) - 1))
                .ToList();
    }
}
