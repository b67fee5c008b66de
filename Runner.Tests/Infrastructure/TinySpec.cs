namespace Runner.Tests.Infrastructure;

/// <summary>
/// The specification of the CPU-scale batch that tests of the service submit: the final preset at width 1/8 in batches of 64, on
/// synthetic images, one run lasting about a second an epoch on the test machines.
/// </summary>
public static class TinySpec
{
    /// <summary>A specification with the tiny base recipe; <paramref name="more"/> adds members (arms, sequential, …) as JSON text.</summary>
    public static string Of(string name, int seeds, int epochs = 1, string queue = "cpu", int images = 512, string more = "")
    {
        var members = more.Length > 0 ? ", " + more : "";
        return $$$"""
            {"name": "{{{name}}}", "base": {"preset": "tta", "overrides": {"width": 0.125, "epochs": {{{epochs}}}, "batchSize": 64}},
             "seeds": {{{seeds}}}, "queue": "{{{queue}}}", "data": "synthetic:{{{images}}}"{{{members}}}}
            """;
    }
}
