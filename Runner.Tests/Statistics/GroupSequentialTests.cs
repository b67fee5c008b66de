using Runner.Core.Statistics;

namespace Runner.Tests.Statistics;

/// <summary>Group-sequential boundaries against published values and against their own spending functions.</summary>
public sealed class GroupSequentialTests
{
    [Fact]
    public void OBrien_Fleming_type_spending_with_five_equal_looks_gives_the_published_boundaries()
    {
        // Lan–DeMets O'Brien–Fleming-type spending, two-sided α = 0.05, K = 5 (Jennison and Turnbull, table 7.6; gsDesign, ldbounds).
        var looks = GroupSequential.Boundaries(GroupSequential.EqualFractions(5), 0.05, Spending.OBrienFleming);

        Assert.Equal([4.877, 3.357, 2.680, 2.290, 2.031], looks.Select(l => Math.Round(l.Z, 3)));
        Assert.Equal(0.05, looks[^1].CumulativeAlpha, 6);
    }

    [Theory]
    [InlineData(Spending.OBrienFleming)]
    [InlineData(Spending.Pocock)]
    public void The_alpha_spent_at_every_look_is_the_spending_function_there(Spending spending)
    {
        foreach (var fractions in new[] { GroupSequential.EqualFractions(5), GroupSequential.EqualFractions(10), [0.2, 0.35, 0.7, 1.0], new[] { 0.5, 1.0 } })
        {
            var looks = GroupSequential.Boundaries(fractions, 0.05, spending);
            foreach (var look in looks)
                Assert.Equal(GroupSequential.SpentAlpha(spending, 0.05, look.Fraction), look.CumulativeAlpha, 6);
            Assert.Equal(0.05, looks[^1].CumulativeAlpha, 6);
        }
    }

    [Fact]
    public void Pocock_type_boundaries_are_nearly_flat_and_above_the_fixed_design()
    {
        var looks = GroupSequential.Boundaries(GroupSequential.EqualFractions(5), 0.05, Spending.Pocock);

        Assert.InRange(looks.Max(l => l.Z) - looks.Min(l => l.Z), 0, 0.1);
        Assert.All(looks, l => Assert.InRange(l.Z, 2.3, 2.5));
        Assert.Equal(2.438, looks[0].Z, 3); // α(1/5) = 0.05 ln(1 + (e − 1)/5): a single normal quantile
    }

    [Fact]
    public void A_single_look_is_the_fixed_design()
    {
        var look = Assert.Single(GroupSequential.Boundaries([1.0], 0.05, Spending.OBrienFleming));
        Assert.Equal(1.959964, look.Z, 5);
        Assert.Equal(0.05, look.NominalP, 9);
    }

    [Fact]
    public void Looks_that_do_not_increase_are_refused()
    {
        Assert.Throws<ArgumentException>(() => GroupSequential.Boundaries([0.5, 0.5, 1.0], 0.05, Spending.Pocock));
        Assert.Throws<ArgumentException>(() => GroupSequential.Boundaries([0.0, 1.0], 0.05, Spending.Pocock));
        Assert.Throws<ArgumentException>(() => GroupSequential.Boundaries([0.5, 1.2], 0.05, Spending.Pocock));
    }

    [Fact]
    public void A_sequential_plan_inflates_the_fixed_design_slightly_and_expects_fewer_seeds_under_an_effect()
    {
        var plan = SequentialPlanning.For(sd: 0.0015, difference: 0.001, power: 0.9, alpha: 0.05, comparisons: 1, looks: 5, Spending.OBrienFleming);

        // The fixed design by the normal approximation: n = 2 (z_{1−α/2} + z_{1−β})² σ² / δ² (the far tail adds nothing visible).
        var z = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.975) + MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.9);
        Assert.Equal(2 * z * z * 2.25, plan.FixedRunsPerArm, 2);
        // O'Brien–Fleming-type spending with five looks costs about 2–3% more at most (Jennison and Turnbull, table 7.6: R = 1.026).
        Assert.InRange(plan.MaxRunsPerArm / plan.FixedRunsPerArm, 1.01, 1.05);
        var (none, half, full) = (plan.Expected[0], plan.Expected[1], plan.Expected[2]);
        Assert.True(none.RunsPerArm > 0.97 * plan.MaxRunsPerArm);
        Assert.True(full.RunsPerArm < 0.8 * plan.FixedRunsPerArm, $"{full.RunsPerArm} expected at δ against {plan.FixedRunsPerArm} fixed");
        Assert.True(half.RunsPerArm > full.RunsPerArm);
        Assert.Equal(plan.MaxRunsPerArm, plan.SeedsAtLooks[^1]);

        var pocock = SequentialPlanning.For(0.0015, 0.001, 0.9, 0.05, 1, 5, Spending.Pocock);
        Assert.True(pocock.MaxRunsPerArm > plan.MaxRunsPerArm);
    }
}
