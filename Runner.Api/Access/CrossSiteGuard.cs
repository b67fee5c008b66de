using Runner.Api.Requests;

namespace Runner.Api.Access;

/// <summary>
/// Loopback is trusted, so a web page open in the user's browser must not be able to act through it.
/// A mutating request (POST, PUT, PATCH, DELETE) is refused when the browser says it comes from another
/// site (<c>Sec-Fetch-Site</c>, or an <c>Origin</c> that is not this host); one trusted for coming from
/// loopback must carry either the API key in a header or <c>Content-Type: application/json</c>, which no
/// page can send cross-site without a CORS preflight that this API never grants. The dashboard's own forms are covered by its anti-forgery token.
/// </summary>
public static class CrossSiteGuard
{
    public static IApplicationBuilder UseCrossSiteGuard(this IApplicationBuilder app, string dashboardPath) =>
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
                || context.RequestServices.GetRequiredService<AccessPolicy>().HasValidKeyHeader(context))
            {
                await next(context);
                return;
            }
            if (CrossSite(request))
            {
                await Problems.WriteAsync(context, StatusCodes.Status403Forbidden,
                    "This request came from another web site; Runner accepts changes only from its own pages, scripts and command-line clients.", "Cross-site request refused");
                return;
            }
            // Off loopback the key is required anyway (401 from the endpoint); on loopback this is what stands in for it.
            if (AccessPolicy.IsLoopback(context) && !request.Path.StartsWithSegments(dashboardPath) && !request.HasJsonContentType())
            {
                await Problems.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType,
                    $"Send Content-Type: application/json (an empty body is fine) or the API key in the {AccessPolicy.HeaderName} header.", "JSON content type required");
                return;
            }
            await next(context);
        });

    private static bool CrossSite(HttpRequest request)
    {
        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0)
            return fetchSite is not ("same-origin" or "none");
        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0
               && !(Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }
}
