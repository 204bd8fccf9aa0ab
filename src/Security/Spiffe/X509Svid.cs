using System.Security.Cryptography.X509Certificates;

namespace SriovForwarder.Security.Spiffe;

/// <summary>
/// One X.509-SVID as the SPIFFE Workload API hands it out: our SPIFFE ID, the leaf certificate with its private key,
/// the intermediates, and the trust bundles (our own trust domain's and federated ones) keyed by trust domain name.
/// </summary>
/// <param name="SpiffeId">The leaf's URI SAN, e.g. <c>spiffe://example.org/ns/nsm-system/sa/forwarder</c>.</param>
/// <param name="Certificate">The leaf certificate, with its private key.</param>
/// <param name="Intermediates">The rest of the chain the agent sent, leaf excluded.</param>
/// <param name="Bundles">Root certificates per trust domain (e.g. <c>example.org</c>).</param>
public sealed record X509Svid(
    string SpiffeId,
    X509Certificate2 Certificate,
    IReadOnlyList<X509Certificate2> Intermediates,
    IReadOnlyDictionary<string, X509Certificate2Collection> Bundles);
