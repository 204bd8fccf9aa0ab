using System.Security.Cryptography.X509Certificates;

namespace SriovForwarder.Security.Authorization;

/// <summary>
/// What the native policies read, the fields of upstream's OPA input documents (§11.3, §11.5): the path's tokens (for a
/// Request: segments 0..our index; for a registration: the registry path), the index, the peer's leaf certificate
/// (<c>auth_info.certificate</c>; null when there is none), and for the registry client policy the resource fields.
/// </summary>
public sealed record PolicyInput(IReadOnlyList<string> Tokens, int Index, X509Certificate2? PeerCertificate)
{
    /// <summary><c>resource_id</c>: the SPIFFE ID in the first token's <c>sub</c> (registry client policy only).</summary>
    public string? ResourceId { get; init; }

    /// <summary><c>resource_name</c>: the NSE name (registry client policy only).</summary>
    public string? ResourceName { get; init; }

    /// <summary><c>resource_path_ids_map</c>: path ids of earlier successful registrations, per NSE name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ResourcePathIds { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
}
