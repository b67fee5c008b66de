using Runner.Core.Factorial;

namespace Runner.Tests.Factorial;

/// <summary>Designs built from their generators against the published ones (Montgomery, Design and Analysis of Experiments, table 8.14).</summary>
public sealed class FactorialDesignTests
{
    private static FactorialDesign Published(int factors, params string[] generators)
    {
        var parsed = generators.Select(g => g.Split('='))
            .Select(p => new FactorialDesign.Generator(Effect.Letters.IndexOf(p[0][0]), Effect.Parse(p[1], factors)!.Value)).ToList();
        Assert.Null(FactorialDesign.Problem(factors, parsed));
        return FactorialDesign.Fraction(factors, parsed);
    }

    private static string Relation(FactorialDesign design) =>
        string.Join(" = ", design.DefiningRelation.Select(w => w.ToString()).Order(StringComparer.Ordinal));

    [Theory]
    [InlineData(3, new[] { "C=AB" }, 4, 3, "ABC")]
    [InlineData(4, new[] { "D=ABC" }, 8, 4, "ABCD")]
    [InlineData(5, new[] { "E=ABCD" }, 16, 5, "ABCDE")]
    [InlineData(5, new[] { "D=AB", "E=AC" }, 8, 3, "ABD = ACE = BCDE")]
    [InlineData(6, new[] { "E=ABC", "F=BCD" }, 16, 4, "ABCE = ADEF = BCDF")]
    [InlineData(7, new[] { "D=AB", "E=AC", "F=BC", "G=ABC" }, 8, 3, null)]
    [InlineData(9, new[] { "F=BCDE", "G=ACDE", "H=ABDE", "J=ABCE" }, 32, 4, null)]
    public void A_published_design_has_its_run_count_resolution_and_defining_relation(int factors, string[] generators, int runs, int resolution, string? relation)
    {
        var design = Published(factors, generators);
        Assert.Equal(runs, design.Runs);
        Assert.Equal(resolution, design.Resolution);
        Assert.Equal((1 << generators.Length) - 1, design.DefiningRelation.Count);
        if (relation is not null)
            Assert.Equal(relation, Relation(design));
    }

    [Fact]
    public void Configurations_are_in_standard_order_with_generated_columns_as_products()
    {
        var design = Published(4, "D=ABC");
        var rows = design.Configurations();
        Assert.Equal([-1, -1, -1, -1], rows[0]);
        Assert.Equal([1, -1, -1, 1], rows[1]);
        Assert.Equal([-1, 1, -1, 1], rows[2]);
        Assert.Equal([1, 1, 1, 1], rows[7]);
        Assert.Equal(8, rows.Select(r => string.Join(",", r)).Distinct().Count());
        // Every column is balanced and every pair orthogonal.
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(0, rows.Sum(r => r[i]));
            for (var j = i + 1; j < 4; j++)
                Assert.Equal(0, rows.Sum(r => r[i] * r[j]));
        }
        Assert.Equal(16, FactorialDesign.Full(4).Configurations().Count);
    }

    [Fact]
    public void Alias_chains_up_to_order_three_and_the_estimable_interaction_chains()
    {
        var design = Published(6, "E=ABC", "F=BCD");
        Assert.Equal(["A", "BCE", "DEF"], design.AliasChain(Effect.Of(0)).Select(e => e.ToString()));
        Assert.Equal(["AB", "CE"], design.AliasChain(Effect.Of(0, 1)).Select(e => e.ToString()));
        Assert.Equal(["AE", "BC", "DF"], design.AliasChain(Effect.Of(0, 4)).Select(e => e.ToString()));
        Assert.Equal(["AB", "AC", "AD", "AE", "AF", "BD", "BF"], design.InteractionChains().Select(e => e.ToString()));

        var five = Published(5, "E=ABCD");
        Assert.Equal(10, five.InteractionChains().Count); // resolution V: every interaction on its own
        Assert.Equal(["AB", "CDE"], five.AliasChain(Effect.Of(0, 1)).Select(e => e.ToString()));
        Assert.Empty(Published(7, "D=AB", "E=AC", "F=BC", "G=ABC").InteractionChains()); // resolution III: none
        Assert.Equal(3, FactorialDesign.Full(3).InteractionChains().Count);
        Assert.Null(FactorialDesign.Full(3).Resolution);
    }

    [Theory]
    [InlineData(3, new[] { "C=C" }, "base factors only")]
    [InlineData(4, new[] { "D=A" }, "at least two base factors")]
    [InlineData(5, new[] { "D=AB", "E=AD" }, "base factors only")]
    [InlineData(5, new[] { "D=AB", "E=AB" }, "D and E the same column")]
    public void Generators_that_make_no_design_are_refused_in_one_sentence(int factors, string[] generators, string expected)
    {
        var parsed = generators.Select(g => g.Split('='))
            .Select(p => new FactorialDesign.Generator(Effect.Letters.IndexOf(p[0][0]), Effect.Parse(p[1], factors)!.Value)).ToList();
        var problem = FactorialDesign.Problem(factors, parsed);
        Assert.NotNull(problem);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void Letters_skip_I_and_words_parse_once_per_letter()
    {
        Assert.Equal("J", Effect.Of(8).ToString());
        Assert.Equal(Effect.Of(0, 8), Effect.Parse("aj", 9));
        Assert.Null(Effect.Parse("AI", 9));
        Assert.Null(Effect.Parse("AA", 9));
        Assert.Null(Effect.Parse("J", 8));
    }

    /// <summary>The fewest configurations, then minimum aberration: the published designs' word-length patterns.</summary>
    [Theory]
    [InlineData(3, 3, 4, "A3=1")]
    [InlineData(4, 4, 8, "A4=1")]
    [InlineData(4, 5, 16, "")] // no fraction of 4 factors has resolution V: the full factorial
    [InlineData(5, 5, 16, "A5=1")]
    [InlineData(5, 3, 8, "A3=2 A4=1")]
    [InlineData(6, 4, 16, "A4=3")]
    [InlineData(7, 3, 8, "A3=7 A4=7 A7=1")]
    [InlineData(7, 4, 16, "A4=7 A8=0")]
    [InlineData(8, 4, 16, "A4=14 A8=1")]
    [InlineData(8, 5, 64, "A5=2 A6=1")]
    [InlineData(9, 4, 32, "A4=6 A5=8 A8=1")]
    [InlineData(10, 4, 32, "A4=10 A5=16 A6=0 A8=5")]
    [InlineData(15, 3, 16, null)]
    [InlineData(15, 4, 32, null)]
    public void A_resolution_gets_the_smallest_minimum_aberration_design(int factors, int resolution, int runs, string? pattern)
    {
        var (design, problem) = MinimumAberration.Find(factors, resolution, maxRuns: 1024);
        Assert.Null(problem);
        Assert.Equal(runs, design!.Runs);
        Assert.True(design.IsFull || design.Resolution >= resolution);
        if (pattern is null)
            return;
        var counts = design.WordLengthPattern();
        foreach (var entry in pattern.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            Assert.Equal(int.Parse(entry[(entry.IndexOf('=') + 1)..]), counts.ElementAtOrDefault(int.Parse(entry[1..entry.IndexOf('=')])));
    }

    [Fact]
    public void The_nine_factor_resolution_IV_design_is_the_tabulated_one()
    {
        var (design, _) = MinimumAberration.Find(9, 4, maxRuns: 1024);
        Assert.Equal(["F = BCDE", "G = ACDE", "H = ABDE", "J = ABCE"], design!.Generators.Select(g => g.ToString()));
        Assert.Equal("2^(9−4) resolution IV, 32 configurations", design.Describe());
    }

    [Fact]
    public void A_resolution_beyond_the_run_limit_is_refused_in_one_sentence()
    {
        var (design, problem) = MinimumAberration.Find(9, 5, maxRuns: 64);
        Assert.Null(design);
        Assert.Equal("No design of 9 factors with resolution 5 has at most 64 configurations (Batches__MaxRuns).", problem);
    }
}
