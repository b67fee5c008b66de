using Hangfire.Dashboard;
using Runner.Api.Requests;

namespace Runner.Api.Access;

public static class AccessEndpoints
{
    /// <summary>Mutating endpoints: loopback or the API key.</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.Guard((policy, http) => policy.IsAllowed(http));

    /// <summary>Read-only endpoints: open unless <see cref="AccessOptions.ProtectReads"/> is on.</summary>
    public static TBuilder AllowReads<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.Guard((policy, http) => !policy.ProtectReads || policy.IsAllowed(http));

    private static TBuilder Guard<TBuilder>(this TBuilder builder, Func<AccessPolicy, HttpContext, bool> allowed) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
            allowed(context.HttpContext.RequestServices.GetRequiredService<AccessPolicy>(), context.HttpContext) ? await next(context) : Denied());

    private static IResult Denied() => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized,
        title: "API key required",
        detail: $"Requests from outside this machine must send the API key in the {AccessPolicy.HeaderName} header (or Authorization: Bearer).");

    /// <summary>
    /// A browser cannot add a header to the dashboard's own links, so <c>/hangfire?api_key=…</c> stores the
    /// key in an HTTP-only cookie that the dashboard filter then accepts; a wrong key is refused, not stored.
    /// </summary>
    public static IApplicationBuilder UseDashboardKeyCookie(this IApplicationBuilder app, string dashboardPath) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(dashboardPath)
                && context.Request.Query.TryGetValue(AccessPolicy.QueryName, out var key) && !string.IsNullOrEmpty(key))
            {
                if (!context.RequestServices.GetRequiredService<AccessPolicy>().Matches(key.ToString()))
                {
                    await Problems.WriteAsync(context, StatusCodes.Status401Unauthorized, "The api_key given is not this server's key; nothing was stored.", "Wrong API key");
                    return;
                }
                context.Response.Cookies.Append(AccessPolicy.CookieName, key.ToString(), new CookieOptions
                {
                    HttpOnly = true,
                    SameSite = SameSiteMode.Strict,
                    Secure = context.Request.IsHttps,
                    Path = dashboardPath,
                });
                context.Request.Headers[AccessPolicy.HeaderName] = key.ToString();
            }
            await next(context);
        });

    public sealed class DashboardFilter : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context)
        {
            var http = context.GetHttpContext();
            return http.RequestServices.GetRequiredService<AccessPolicy>().IsAllowed(http);
        }
    }

    /// <summary>
    /// The dashboard's Requeue and Delete buttons act on jobs behind Runner's back, so they are offered only
    /// to a request that carries the key; loopback alone sees the dashboard read-only.
    /// </summary>
    public static bool DashboardIsReadOnly(DashboardContext context)
    {
        var http = context.GetHttpContext();
        return !http.RequestServices.GetRequiredService<AccessPolicy>().HasValidKey(http);
    }
}
