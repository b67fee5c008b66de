using System.Globalization;
using Runner.Core.Validation;

namespace Runner.Core.Batches;

/// <summary>An arm of some batch, written <c>batch:arm</c> (<c>12:no-ema</c>) in comparisons across batches.</summary>
public sealed record ArmReference(long BatchId, string Arm)
{
    public const int MaxArms = 20;

    public string Label => $"{BatchId}:{Arm}";

    public override string ToString() => Label;

    /// <summary>
    /// Reads a comma-separated list of <c>batch:arm</c>; the error, if any, says what is wrong in one sentence.
    /// Bounded before anything is looked up: at most <see cref="MaxArms"/> arms, each named once.
    /// </summary>
    public static (IReadOnlyList<ArmReference> Arms, string? Error) ParseList(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return ([], "Name two or more arms as batch:arm, separated by commas (e.g. 12:base,14:base).");
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length > MaxArms)
            return ([], $"At most {MaxArms} arms can be compared; {parts.Length} were named.");
        var arms = new List<ArmReference>();
        foreach (var part in parts)
        {
            var colon = part.IndexOf(':');
            if (colon <= 0 || colon == part.Length - 1
                || !long.TryParse(part[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var batch) || batch <= 0
                || part.Length > 200 || part.Any(char.IsControl))
                return ([], $"'{JsonInput.Shorten(part)}' is not batch:arm (a batch id, a colon, an arm's name).");
            arms.Add(new ArmReference(batch, part[(colon + 1)..]));
        }
        if (arms.Count < 2)
            return ([], "Name two or more arms to compare.");
        if (arms.GroupBy(a => a.Label).FirstOrDefault(g => g.Count() > 1) is { } twice)
            return ([], $"{twice.Key} is named twice.");
        return (arms, null);
    }

}
