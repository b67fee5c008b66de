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

    /// <summary>The key in a header (not the dashboard's cookie): a request no web page can forge.</summary>
    public bool HasValidKeyHeader(HttpContext context) => Matches(HeaderKey(context.Request));

    /// <summary>Whether the request carries the key at all (header or the dashboard's cookie); loopback alone is not enough.</summary>
    public bool HasValidKey(HttpContext context) => Matches(PresentedKey(context.Request));

    public bool Matches(string? presented)
    {
        var expected = options.Value.ApiKey;
        return !string.IsNullOrEmpty(expected) && presented is not null
               && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
    }

    public static bool IsLoopback(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote);

    public static string? PresentedKey(HttpRequest request) =>
        HeaderKey(request) ?? (request.Cookies.TryGetValue(CookieName, out var cookie) ? cookie : null);

    private static string? HeaderKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue(HeaderName, out var header) && !string.IsNullOrEmpty(header))
            return header.ToString();
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }
}
