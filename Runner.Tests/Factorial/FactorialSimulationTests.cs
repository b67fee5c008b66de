using Runner.Core.Factorial;

namespace Runner.Tests.Factorial;

/// <summary>
/// The simulation behind bench-factorial, at fewer batches: the 2^(9−4) resolution IV design keeps its family-wise
/// error under the null, finds the study's effects with a quarter of leave-one-out's runs, and finds an interaction that no main effect shows.
/// </summary>
public sealed class FactorialSimulationTests
{
    private static readonly FactorialDesign Design = MinimumAberration.Find(9, 4, maxRuns: 1024).Design!;
    private static readonly double[] Study = [0.005, 0.004, 0.003, 0.003, 0.002, 0.002, 0.001, 0.001, 0];

    [Fact]
    public void Under_the_null_the_family_wise_error_across_the_main_effects_stays_at_alpha()
    {
        var result = FactorialSimulation.Run(Design, new double[9], null, 0.0015, 0.001, seeds: 2, batches: 2000, seed: 1);
        // 0.05 and three standard errors of a proportion over 2,000 batches.
        Assert.InRange(result.FamilyWiseError, 0.02, 0.05 + 3 * Math.Sqrt(0.05 * 0.95 / 2000));
        Assert.Equal(0, result.Discoveries);
    }

    [Fact]
    public void More_seeds_find_more_of_the_study_and_four_find_as_many_as_leave_one_out_with_500_runs()
    {
        var two = FactorialSimulation.Run(Design, Study, null, 0.0015, 0.001, seeds: 2, batches: 500, seed: 2);
        var four = FactorialSimulation.Run(Design, Study, null, 0.0015, 0.001, seeds: 4, batches: 500, seed: 2);
        Assert.Equal(128, four.Runs);
        Assert.True(four.Discoveries > two.Discoveries, $"{two.Discoveries} with 2 seeds, {four.Discoveries} with 4");
        Assert.True(four.Discoveries >= 7.685, $"{four.Discoveries} of 8"); // leave-one-out with Holm finds 7.685 with 500 runs
        Assert.Equal(1.0, four.Power[0]);
    }

    [Fact]
    public void An_interaction_worth_nothing_alone_is_found_in_its_chain()
    {
        var result = FactorialSimulation.Run(Design, new double[9], new FactorialSimulation.Interaction(0, 1, 0.003), 0.0015, 0.001, seeds: 3, batches: 500, seed: 3);
        Assert.StartsWith("AB", result.InteractionChain);
        Assert.True(result.InteractionFound >= 0.8, $"found in {result.InteractionFound:P0}");
    }

    [Fact]
    public void A_simulation_is_the_same_for_the_same_seed()
    {
        var first = FactorialSimulation.Run(Design, Study, null, 0.0015, 0.001, seeds: 1, batches: 50, seed: 9);
        var again = FactorialSimulation.Run(Design, Study, null, 0.0015, 0.001, seeds: 1, batches: 50, seed: 9);
        Assert.Equal(first.Power, again.Power);
        Assert.Equal(first.FamilyWiseError, again.FamilyWiseError);
    }
}
