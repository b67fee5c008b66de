namespace Runner.Tests.Infrastructure;

/// <summary>
/// The specification of the CPU-scale batch that tests of the service submit: the final preset at width 1/8 in batches of 64, on
/// synthetic images, an epoch of the default <see cref="Images"/> lasting a few tenths of a second on the test machines. Every test
/// builds its batch here.
/// </summary>
public static class TinySpec
{
    /// <summary>The synthetic training images of a batch that does not say: four steps an epoch.</summary>
    public const int Images = 256;

    /// <summary>The members of a leave-one-out of the EMA: a second arm beside the base.</summary>
    public const string LeaveOneOutEma = "\"leaveOneOut\": [\"ema\"]";

    /// <summary>
    /// A specification with the tiny base recipe; <paramref name="more"/> adds members (arms, sequential, priority …) as JSON
    /// text; <paramref name="data"/> replaces the synthetic images (a path, another data setting).
    /// </summary>
    public static string Of(string name, int seeds, int epochs = 1, string queue = "cpu", int images = Images, string more = "",
        int? trainSubset = null, string? data = null, int batchSize = 64)
    {
        var members = more.Length > 0 ? ", " + more : "";
        var subset = trainSubset is { } n ? $", \"trainSubset\": {n}" : "";
        return $$$"""
            {"name": "{{{name}}}", "base": {"preset": "tta", "overrides": {"width": 0.125, "epochs": {{{epochs}}}, "batchSize": {{{batchSize}}}{{{subset}}}}},
             "seeds": {{{seeds}}}, "queue": "{{{queue}}}", "data": "{{{data ?? $"synthetic:{images}"}}}"{{{members}}}}
            """;
    }
}
