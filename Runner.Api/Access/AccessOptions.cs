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
}
