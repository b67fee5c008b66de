using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Runner.Core.Validation;

/// <summary>
/// Untrusted JSON, read strictly: one value per key (letter case ignored, so <c>width</c> and <c>Width</c>
/// cannot both arrive), strings that are valid UTF-16 with no NUL (PostgreSQL stores neither), a bounded
/// depth, and typed reading whose errors name the field by its JSON path (<c>arms[1].seeds</c>).
/// </summary>
public static partial class JsonInput
{
    public const int MaxDepth = 32;

    /// <summary>How every request body is read into its record: web names, and a field the record does not have is an error.</summary>
    public static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Untrusted text as an error message quotes it: its first 40 characters, control characters left out, "…" when cut.</summary>
    public static string Shorten(string text)
    {
        var shown = new string(text.Take(40).Where(c => !char.IsControl(c)).ToArray());
        return text.Length > 40 ? shown + "…" : shown;
    }

    /// <summary>The document, or every problem in it keyed by field (<c>body</c> when it is not JSON at all).</summary>
    public static (JsonNode? Node, Dictionary<string, string[]> Errors) Parse(ReadOnlyMemory<byte> utf8)
    {
        var errors = new Dictionary<string, string[]>();
        try
        {
            using var document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = MaxDepth });
            Check(document.RootElement, "", errors);
            return errors.Count > 0 ? (null, errors) : (JsonNode.Parse(utf8.Span), errors);
        }
        catch (JsonException e)
        {
            errors["body"] = [$"Not valid JSON: {e.Message}"];
            return (null, errors);
        }
    }

    private static void Check(JsonElement element, string path, Dictionary<string, string[]> errors)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var property in element.EnumerateObject())
                {
                    if (StringProblem(() => property.Name) is { } nameProblem)
                    {
                        errors.TryAdd(path.Length == 0 ? "body" : path, [$"A key {nameProblem}."]);
                        continue;
                    }
                    var field = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                    if (!seen.Add(property.Name))
                        errors.TryAdd(field, ["The key appears twice (letter case is ignored); give each field once."]);
                    Check(property.Value, field, errors);
                }
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                    Check(item, $"{path}[{i++}]", errors);
                break;
            case JsonValueKind.String:
                if (StringProblem(element.GetString) is { } problem)
                    errors.TryAdd(path.Length == 0 ? "body" : path, [$"The text {problem}."]);
                break;
        }
    }

    private static string? StringProblem(Func<string?> read)
    {
        try
        {
            return read()!.Contains('\0') ? "holds a NUL character" : null;
        }
        catch (InvalidOperationException)
        {
            return "is not valid Unicode (a lone UTF-16 surrogate)";
        }
    }

    /// <summary>The node as <typeparamref name="T"/>, or the one problem that stops it (a wrong type, an unknown field), keyed by field.</summary>
    public static (T? Value, Dictionary<string, string[]> Errors) Read<T>(JsonNode node, JsonSerializerOptions options, string what) where T : class
    {
        try
        {
            return (node.Deserialize<T>(options), []);
        }
        catch (JsonException e)
        {
            return (null, new() { [Field(e)] = [Message(e, what)] });
        }
    }

    /// <summary>The field a deserialisation error is about: its JSON path without the leading <c>$.</c>, or <c>body</c>.</summary>
    private static string Field(JsonException e)
    {
        var path = (e.Path ?? "$").TrimStart('$').TrimStart('.');
        var field = UnmappedProperty().Match(e.Message) is { Success: true } m ? Join(path, m.Groups[1].Value) : path;
        return field.Length == 0 ? "body" : field;
    }

    private static string Message(JsonException e, string what) =>
        UnmappedProperty().Match(e.Message) is { Success: true } m
            ? $"'{m.Groups[1].Value}' is not a field of {what}."
            : $"Wrong type of value: {e.Message.Split(" Path:")[0]}";

    /// <summary>Names for people and for PostgreSQL: no control characters (NUL, newlines, escapes).</summary>
    public static bool HasControlCharacters(string text) => text.Any(char.IsControl);

    private static string Join(string path, string name)
    {
        // The serializer reports an unknown property at its parent's path, or at the property itself.
        if (path.EndsWith(name, StringComparison.Ordinal))
            return path;
        return path.Length == 0 ? name : $"{path}.{name}";
    }

    [GeneratedRegex("property '([^']+)' could not be mapped")]
    private static partial Regex UnmappedProperty();
}
