using Runner.Core.Recipes;

namespace Runner.Core.Batches;

/// <summary>Where one arm's finished runs ran and in what arithmetic: one row per arm, device and precision.</summary>
public sealed record RunProvenance(string Arm, string Device, Precision Precision, int Runs)
{
    /// <summary>
    /// What an analysis must say when runs did not all run alike: an arm mixing devices or precisions has
    /// their difference in its spread; arms on different ones have it in their differences.
    /// </summary>
    public static IReadOnlyList<string> Notes(IReadOnlyList<RunProvenance> rows)
    {
        var notes = new List<string>();
        foreach (var arm in rows.GroupBy(r => r.Arm).Where(g => g.Count() > 1))
            notes.Add($"Arm {arm.Key} ran on {Describe(arm)}: its spread includes the differences between them.");
        var byArm = rows.GroupBy(r => r.Arm).Select(g => (g.Key, Kinds: string.Join(" + ", g.Select(r => $"{r.Device}, {r.Precision.Name()}").Order()))).ToList();
        if (byArm.Select(a => a.Kinds).Distinct().Count() > 1)
            notes.Add($"The arms did not all run on the same devices and precisions ({string.Join("; ", byArm.Select(a => $"{a.Key}: {a.Kinds}"))}): differences between arms include the device's and the precision's.");
        return notes;
    }

    private static string Describe(IEnumerable<RunProvenance> rows) => string.Join(" and ", rows.Select(r => $"{r.Device} in {r.Precision.Name()} ({r.Runs} runs)"));
}
