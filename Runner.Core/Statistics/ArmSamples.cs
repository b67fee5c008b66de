namespace Runner.Core.Statistics;

/// <summary>
/// One arm's values of a metric, one per run, with the runs' seeds when known (for pairing). A null or
/// non-finite value is a run without the metric; failed and cancelled runs are only counted.
/// </summary>
public sealed record ArmSamples(string Name, IReadOnlyList<double?> Values, IReadOnlyList<long>? Seeds = null, int Failed = 0, int Cancelled = 0)
{
    public IReadOnlyList<double> Finite => Values.Where(IsFinite).Select(v => v!.Value).ToList();

    public int Missing => Values.Count(v => !IsFinite(v));

    /// <summary>(seed, value) of the runs that have both.</summary>
    public IReadOnlyList<(long Seed, double Value)> Seeded =>
        Seeds is null ? [] : Values.Zip(Seeds).Where(x => IsFinite(x.First)).Select(x => (x.Second, x.First!.Value)).ToList();

    private static bool IsFinite(double? v) => v is { } x && double.IsFinite(x);
}
