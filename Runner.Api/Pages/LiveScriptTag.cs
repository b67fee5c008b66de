using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace Runner.Api.Pages;

/// <summary>
/// The live-progress script's tag. Razor markup refuses script tags (a component cannot update them), but
/// these pages are rendered once on the server, where the tag is what the browser needs.
/// </summary>
public sealed class LiveScriptTag : ComponentBase
{
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "script");
        builder.AddAttribute(1, "src", PageLayout.ScriptPath);
        builder.CloseElement();
    }
}
