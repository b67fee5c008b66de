using Runner.Core.Queueing;

namespace Runner.Api.Workers;

/// <summary>Body of <c>POST /workers/probe</c>; every field is optional.</summary>
public sealed record ProbeRequest(string? Queue = null, int? MatrixSize = null, int? Repeats = null)
{
    public string QueueOrDefault => Queue ?? JobQueues.Cpu;
    public int MatrixSizeOrDefault => MatrixSize ?? 512;
    public int RepeatsOrDefault => Repeats ?? 20;

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (!JobQueues.IsKnown(QueueOrDefault))
            errors["queue"] = [$"'{Queue}' is not a queue; use one of: {string.Join(", ", JobQueues.All)}."];
        if (MatrixSizeOrDefault is < 16 or > 16384)
            errors["matrixSize"] = [$"{MatrixSize} is out of range; use 16 to 16384."];
        if (RepeatsOrDefault is < 1 or > 1000)
            errors["repeats"] = [$"{Repeats} is out of range; use 1 to 1000."];
        return errors;
    }
}
