using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Runner.Api.Pages;

namespace Runner.Tests.Pages;

/// <summary>Renders a page component to HTML as its endpoint does, with the API's encoder.</summary>
public static class PageHtml
{
    private static readonly ServiceProvider Services = new ServiceCollection().AddLogging().AddSingleton(PagesApi.Encoder).BuildServiceProvider();

    public static string Render<T>(string parameter, object value) where T : IComponent => Render<T>(new Dictionary<string, object?> { [parameter] = value });

    public static string Render<T>(Dictionary<string, object?> parameters) where T : IComponent
    {
        using var renderer = new HtmlRenderer(Services, Services.GetRequiredService<ILoggerFactory>());
        return renderer.Dispatcher.InvokeAsync(async () => (await renderer.RenderComponentAsync<T>(ParameterView.FromDictionary(parameters))).ToHtmlString())
            .GetAwaiter().GetResult();
    }
}
