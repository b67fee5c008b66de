namespace Runner.Api.Access;

/// <summary>
/// Section <c>Access</c>. Requests from loopback are trusted; any other request to a mutating endpoint or
/// the dashboard must carry the key (header <c>X-Api-Key</c> or <c>Authorization: Bearer</c>).
/// Set the key through the environment (<c>Access__ApiKey</c>) or a secret store, never in a file in the repository.
/// </summary>
public sealed class AccessOptions
{
    public const string SectionName = "Access";

    public string? ApiKey { get; set; }

    /// <summary>When true, read-only endpoints need the key off loopback too.</summary>
    public bool ProtectReads { get; set; }

    /// <summary>
    /// Addresses of reverse proxies whose <c>X-Forwarded-For</c>/<c>-Proto</c> are believed, so that clients
    /// behind a proxy on this host are judged by their own address, not the proxy's loopback one.
    /// Empty (the default): forwarding headers are ignored from everyone.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];
}
