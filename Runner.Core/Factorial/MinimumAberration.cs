using System.Numerics;

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
    /// <summary>The most word products one search computes (about a tenth of a second); beyond it the request must name its generators.</summary>
    public const long MaxProducts = 10_000_000;

    /// <summary>The design, or why there is none within <paramref name="maxRuns"/> configurations (one sentence).</summary>
    public static (FactorialDesign? Design, string? Problem) Find(int factors, int resolution, int maxRuns)
    {
        for (var baseFactors = MinBase(factors); baseFactors <= factors && 1 << baseFactors <= maxRuns; baseFactors++)
        {
            if (baseFactors == factors)
                return (FactorialDesign.Full(factors), null);
            var search = new Search(factors, baseFactors, resolution);
            if (!search.Run())
                return (null, $"Searching the 2^({factors}−{factors - baseFactors}) designs of resolution {resolution} takes longer than a submission may; give the generators instead.");
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

    private sealed class Search
    {
        private readonly int _factors;
        private readonly int _baseFactors;
        private readonly int _resolution;
        private readonly uint[] _candidates;
        private readonly Effect[] _chosen;

        // The defining relation after each depth of choice, in place: level d holds 2^d − 1 words.
        private readonly uint[][] _relation;
        private long _products;
        private int[]? _bestPattern;

        public Search(int factors, int baseFactors, int resolution)
        {
            (_factors, _baseFactors, _resolution) = (factors, baseFactors, resolution);
            _candidates = Candidates(baseFactors, resolution);
            _chosen = new Effect[factors - baseFactors];
            _relation = Enumerable.Range(0, _chosen.Length + 1).Select(d => new uint[(1 << d) - 1]).ToArray();
        }

        public Effect[]? Best { get; private set; }

        /// <summary>False when the search was cut short.</summary>
        public bool Run() => Extend(0, 0);

        private bool Extend(int depth, int from)
        {
            var relation = _relation[depth];
            if (depth == _chosen.Length)
            {
                var pattern = new int[_factors + 1];
                foreach (var w in relation)
                    pattern[BitOperations.PopCount(w)]++;
                if (_bestPattern is null || Better(pattern, _bestPattern))
                    (Best, _bestPattern) = (_chosen.ToArray(), pattern);
                return true;
            }
            var letter = 1u << (_baseFactors + depth);
            for (var i = from; i < _candidates.Length; i++)
            {
                _products += relation.Length + 1;
                if (_products > MaxProducts)
                    return false;
                var word = _candidates[i] | letter;
                if (!LongEnough(relation, word))
                    continue;
                var grown = _relation[depth + 1];
                relation.CopyTo(grown, 0);
                grown[relation.Length] = word;
                for (var j = 0; j < relation.Length; j++)
                    grown[relation.Length + 1 + j] = relation[j] ^ word;
                _chosen[depth] = new Effect(_candidates[i]);
                if (!Extend(depth + 1, i + 1))
                    return false;
            }
            return true;
        }

        private bool LongEnough(uint[] relation, uint word)
        {
            if (BitOperations.PopCount(word) < _resolution)
                return false;
            foreach (var w in relation)
                if (BitOperations.PopCount(w ^ word) < _resolution)
                    return false;
            return true;
        }

        private static bool Better(int[] pattern, int[] than)
        {
            for (var length = 0; length < pattern.Length; length++)
                if (pattern[length] != than[length])
                    return pattern[length] < than[length];
            return false;
        }

        private static uint[] Candidates(int baseFactors, int resolution) =>
            Enumerable.Range(1, (1 << baseFactors) - 1).Select(bits => (uint)bits)
                .Where(w => BitOperations.PopCount(w) >= Math.Max(2, resolution - 1))
                .OrderByDescending(BitOperations.PopCount)
                .ThenBy(w => ~w & ((1u << baseFactors) - 1))
                .ToArray();
    }
}
