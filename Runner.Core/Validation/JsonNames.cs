using System.Text.Json;
using System.Text.Json.Serialization;

namespace Runner.Core.Validation;

/// <summary>
/// The name a value of a closed set has on the wire, in stored JSON and in messages: its <see cref="JsonStringEnumMemberNameAttribute"/>,
/// else its name in kebab case, as the API and the recipe's JSON write it.
/// </summary>
public static class JsonNames
{
    public static readonly JsonStringEnumConverter Converter = new(JsonNamingPolicy.KebabCaseLower);

    private static readonly JsonSerializerOptions Options = new() { Converters = { Converter } };

    public static string Of<T>(T value) where T : struct, Enum => JsonSerializer.SerializeToNode(value, Options)!.GetValue<string>();
}
