using System.Numerics;
using System.Text;

namespace Runner.Core.Factorial;

/// <summary>
/// A factorial effect as a word over the factors' letters: a set of factors, one bit each (bit i is the i-th
/// factor). A main effect has one letter, a two-factor interaction two; the product of two effects is their
/// symmetric difference (each ±1 column squared is the identity), and the empty word is the identity I.
/// </summary>
public readonly record struct Effect(uint Bits)
{
    /// <summary>The letters of a design's factors in order, I left out (it is the identity): at most 15 factors.</summary>
    public const string Letters = "ABCDEFGHJKLMNOP";

    public static readonly Effect Identity = new(0);

    public static Effect Of(int factor) => new(1u << factor);

    public static Effect Of(int first, int second) => new((1u << first) | (1u << second));

    /// <summary>The order of the effect: 1 for a main effect, 2 for a two-factor interaction.</summary>
    public int Order => BitOperations.PopCount(Bits);

    public bool Has(int factor) => (Bits & (1u << factor)) != 0;

    public IEnumerable<int> Factors()
    {
        for (var bits = Bits; bits != 0; bits &= bits - 1)
            yield return BitOperations.TrailingZeroCount(bits);
    }

    public static Effect operator *(Effect a, Effect b) => new(a.Bits ^ b.Bits);

    /// <summary>The effect's ±1 sign in a configuration whose factor levels are <paramref name="levels"/>.</summary>
    public int Sign(IReadOnlyList<int> levels)
    {
        var sign = 1;
        foreach (var factor in Factors())
            sign *= levels[factor];
        return sign;
    }

    /// <summary>Reads a word of letters ("ABC"); null when a letter is not one of the first <paramref name="factors"/> or repeats.</summary>
    public static Effect? Parse(string word, int factors)
    {
        uint bits = 0;
        foreach (var letter in word)
        {
            var index = Letters.IndexOf(char.ToUpperInvariant(letter));
            if (index < 0 || index >= factors || (bits & (1u << index)) != 0)
                return null;
            bits |= 1u << index;
        }
        return bits == 0 ? null : new Effect(bits);
    }

    public override string ToString()
    {
        if (Bits == 0)
            return "I";
        var text = new StringBuilder();
        foreach (var factor in Factors())
            text.Append(Letters[factor]);
        return text.ToString();
    }
}
