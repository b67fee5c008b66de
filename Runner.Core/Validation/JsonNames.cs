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

    /// <summary>The API's JSON: web names (camel case), closed sets by their names; how the terminal client reads the API's records.</summary>
    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web) { Converters = { Converter } };

    public static string Of<T>(T value) where T : struct, Enum => Names<T>.ByValue[value];

    /// <summary>Every value of the set with its name, in declaration order.</summary>
    public static IReadOnlyList<(string Name, T Value)> All<T>() where T : struct, Enum => Names<T>.All;

    /// <summary>The value named by <paramref name="text"/> in any case; an unknown name adds an error for <paramref name="field"/>.</summary>
    public static T Choose<T>(string? text, string field, IDictionary<string, string[]> errors, T fallback, IReadOnlyList<(string Name, T Value)> choices)
    {
        if (text is null)
            return fallback;
        foreach (var (name, value) in choices)
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
                return value;
        errors[field] = [$"'{text}' is not one of: {string.Join(", ", choices.Select(c => c.Name))}."];
        return fallback;
    }

    /// <summary>The value of a name known to be valid: one stored after validation.</summary>
    public static T Parse<T>(string name) where T : struct, Enum => Names<T>.ByName[name];

    // Each set's names are worked out once: stores read them per row and the API per request.
    private static class Names<T> where T : struct, Enum
    {
        public static readonly IReadOnlyList<(string Name, T Value)> All =
            [.. Enum.GetValues<T>().Select(v => (JsonSerializer.SerializeToNode(v, Options)!.GetValue<string>(), v))];

        public static readonly Dictionary<T, string> ByValue = All.ToDictionary(c => c.Value, c => c.Name);
        public static readonly Dictionary<string, T> ByName = All.ToDictionary(c => c.Name, c => c.Value);
    }
}
