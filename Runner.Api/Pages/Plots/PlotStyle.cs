namespace Runner.Api.Pages.Plots;

/// <summary>One colour and one dash pattern per arm, the same in every plot, so an arm whose curve is identical to another's still shows.</summary>
public static class PlotStyle
{
    public static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"];

    private static readonly string[] Dashes = ["", "7 4", "2 3", "9 3 2 3", "4 4", "1 2"];

    public static string Colour(int arm) => Palette[arm % Palette.Length];

    /// <summary>The arm's dash pattern, or null (no attribute) for a solid line.</summary>
    public static string? Dash(int arm) => Dashes[arm % Dashes.Length] is { Length: > 0 } dash ? dash : null;
}
