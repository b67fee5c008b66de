using Runner.Core.Batches;
using Runner.Core.Recipes;
using Runner.Core.Statistics;
using Runner.Core.Validation;

namespace Runner.Tests.Foundation;

/// <summary>One naming mechanism for closed sets (<see cref="JsonNames"/>): the names stored and sent before it stay the same.</summary>
public sealed class JsonNamesTests
{
    private static void SameAsLowerCase<T>() where T : struct, Enum
    {
        foreach (var value in Enum.GetValues<T>())
            Assert.Equal(value.ToString().ToLowerInvariant(), JsonNames.Of(value));
    }

    [Fact]
    public void Stored_and_sent_names_are_unchanged()
    {
        SameAsLowerCase<BatchStatus>();
        SameAsLowerCase<RunStatus>();
        SameAsLowerCase<Precision>();
        SameAsLowerCase<UnpairedTest>();
        SameAsLowerCase<Goal>();
        SameAsLowerCase<SequentialDecision>();
        Assert.Equal(["holm", "benjamini-hochberg", "bonferroni", "none"], Enum.GetValues<Correction>().Select(c => JsonNames.Of(c)));
        Assert.Equal(["obrien-fleming", "pocock"], Enum.GetValues<Spending>().Select(s => JsonNames.Of(s)));
        Assert.Equal(["better", "worse", "no significant difference", "equivalent", "undecided", "not tested"], Enum.GetValues<Verdict>().Select(v => v.Name()));
        Assert.Equal(["cpu", "cuda"], Enum.GetValues<Runner.Core.Devices.DeviceKind>().Select(k => JsonNames.Of(k)));
        Assert.Equal(["cifar10-fast", "airbench"], Enum.GetValues<Normalisation>().Select(n => JsonNames.Of(n)));
    }
}
