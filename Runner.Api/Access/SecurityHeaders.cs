namespace Runner.Api.Access;

/// <summary>
/// Headers on every response: no MIME sniffing, no framing by other sites, no referrer leaking batch ids;
/// the pages get a content security policy that allows only their own script and style sheet.
/// </summary>
public static class SecurityHeaders
{
    public const string PagePolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, string pagesPath) =>
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            if (context.Request.Path.StartsWithSegments(pagesPath))
                headers.ContentSecurityPolicy = PagePolicy;
            await next(context);
        });
}
