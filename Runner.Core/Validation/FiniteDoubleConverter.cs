using System.Text.Json;
using System.Text.Json.Serialization;

namespace Runner.Core.Validation;

/// <summary>
/// JSON has no NaN or infinity: a statistic that cannot be computed (a zero spread, an overflow) is
/// written as null, never as an exception halfway through a response.
/// </summary>
public sealed class FiniteDoubleConverter : JsonConverter<double>
{
    public override bool HandleNull => false;

    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (double.IsFinite(value))
            writer.WriteNumberValue(value);
        else
            writer.WriteNullValue();
    }
}
