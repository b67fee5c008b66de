using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Runner.Api.Access;

public sealed class AccessPolicy(IOptions<AccessOptions> options)
{
    public const string HeaderName = "X-Api-Key";
    public const string CookieName = "runner_api_key";
    public const string QueryName = "api_key";

    public bool ProtectReads => options.Value.ProtectReads;

    public bool IsAllowed(HttpContext context) => IsLoopback(context) || HasValidKey(context);

    private static bool IsLoopback(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote);

    private bool HasValidKey(HttpContext context)
    {
        var expected = options.Value.ApiKey;
        if (string.IsNullOrEmpty(expected))
            return false;
        var presented = PresentedKey(context.Request);
        return presented is not null
               && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
    }

    public static string? PresentedKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue(HeaderName, out var header) && !string.IsNullOrEmpty(header))
            return header.ToString();
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return authorization["Bearer ".Length..].Trim();
        return request.Cookies.TryGetValue(CookieName, out var cookie) ? cookie : null;
    }
}
