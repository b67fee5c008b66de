using System.Globalization;
using Runner.Core.Validation;

namespace Runner.Api.Requests;

/// <summary>
/// Query parameters arrive as text and are parsed here, so that a bad value is a 400 naming the
/// parameter (minimal APIs' own binding answers a bare 400 without saying which).
/// </summary>
public static class QueryValue
{
    public static int? Int(string? text, string name, int min, int max, Dictionary<string, string[]> errors)
    {
        if (text is null)
            return null;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        errors[name] = [$"'{JsonInput.Shorten(text)}' is not a whole number from {min} to {max}."];
        return null;
    }

    public static double? Double(string? text, string name, double min, double max, Dictionary<string, string[]> errors)
    {
        if (text is null)
            return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= min && value <= max)
            return value;
        errors[name] = [$"'{JsonInput.Shorten(text)}' is not a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}."];
        return null;
    }

    /// <summary>Free text such as a name filter: bounded and without control characters (PostgreSQL refuses NUL).</summary>
    public static string? Text(string? text, string name, int maxLength, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text))
            return null;
        if (text.Length <= maxLength && !text.Any(char.IsControl) && !HasLoneSurrogate(text))
            return text;
        errors[name] = [$"Use at most {maxLength} printable characters."];
        return null;
    }

    /// <summary>One of a closed set of names.</summary>
    public static string? OneOf(string? text, string name, IReadOnlyCollection<string> allowed, string what, Dictionary<string, string[]> errors)
    {
        if (text is null || allowed.Contains(text))
            return text;
        errors[name] = [$"'{JsonInput.Shorten(text)}' is not {what}; use one of: {string.Join(", ", allowed)}."];
        return null;
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsSurrogate(text[i]))
                return true;
        }
        return false;
    }

}
