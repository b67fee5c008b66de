using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Runner.Api.Access;

/// <summary>
/// Behind a reverse proxy on the same host every client would look like loopback. With
/// <see cref="AccessOptions.TrustedProxies"/> set, <c>X-Forwarded-For</c> and <c>-Proto</c> are believed from
/// those addresses only (ASP.NET Core's defaults, which trust any loopback peer, are cleared); without it
/// no forwarding header is believed from anyone.
/// </summary>
public static class TrustedProxies
{
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app)
    {
        var proxies = app.ApplicationServices.GetRequiredService<IOptions<AccessOptions>>().Value.TrustedProxies;
        if (proxies.Length == 0)
            return app;
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto, ForwardLimit = 1 };
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        foreach (var proxy in proxies)
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        return app.UseForwardedHeaders(options);
    }
}
