using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Runner.Core.Factorial;
using Runner.Core.Statistics;

namespace Runner.Core.Batches;

/// <summary><c>GET /batches/{id}</c>: the batch, its arms, the submitted specification and where it stands.</summary>
/// <param name="RunsAhead">Queued runs of other batches that workers of this batch's device class take first (higher priority, or the same priority and submitted earlier); null when none of its runs is queued.</param>
public sealed record BatchDetail(BatchRecord Batch, IReadOnlyList<ArmRecord> Arms, JsonNode? Spec, BatchProgressEstimate Progress, SequentialProgress? Sequential,
    int? RunsAhead = null, FactorialDescription? Factorial = null);

/// <summary>
/// A sequential batch so far: its design, every look taken, and what stopping saved: the runs cancelled by
/// decisions and their device time at the mean run time of the batch.
/// </summary>
/// <param name="Design">The design as planned for the batch's arms and level; written in JSON as it is stored (looks, spending, margin, paired).</param>
public sealed record SequentialProgress(
    [property: JsonConverter(typeof(StoredDesignConverter))] SequentialDesign Design, IReadOnlyList<LookRecord> Looks, int RunsSaved, int RunsPlanned, double? DeviceSecondsSaved);

/// <summary>Writes a sequential design as the batch stores it (<see cref="SequentialLooks.DesignJson"/>): its α and comparisons are the batch's level and arms.</summary>
public sealed class StoredDesignConverter : JsonConverter<SequentialDesign>
{
    public override SequentialDesign Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("A sequential design is read from its batch, with the batch's level and arms (SequentialLooks.Design).");

    public override void Write(Utf8JsonWriter writer, SequentialDesign value, JsonSerializerOptions options) =>
        JsonNode.Parse(SequentialLooks.DesignJson(value))!.WriteTo(writer, options);
}
