using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Microsoft.Extensions.Options;
using SriovForwarder.Security.Spiffe;

namespace SriovForwarder.Security.Tokens;

/// <summary>
/// This process's NSM token maker, or none: in SPIFFE mode (an <see cref="ISvidSource"/> is registered) it signs with
/// our SVID; in plaintext mode <see cref="Generator"/> is null and calls carry no tokens, as before.
/// </summary>
public sealed class NsmTokenSource(IOptions<NsmTokenOptions> options, TimeProvider time, PeerCertificates peers, ISvidSource? svids = null)
{
    /// <summary>The generator, or null in plaintext mode.</summary>
    public NsmTokenGenerator? Generator { get; } = svids is null ? null : new NsmTokenGenerator(svids, options.Value.MaxLifetime, time);

    /// <summary>The server certificates our clients saw, for the audience of per-RPC tokens.</summary>
    public PeerCertificates Peers => peers;

    /// <summary>
    /// The per-RPC headers (<c>nsm-client-token</c>, <c>nsm-client-token-expires</c>) for a call to <paramref name="target"/>,
    /// with the server's certificate (when the TLS client recorded it) as audience; null in plaintext mode.
    /// </summary>
    public Metadata? HeadersFor(string target) => Generator is { } generator ? TokenMetadata.Headers(generator.Generate(peers.Find(target))) : null;

    /// <summary>The token for a call to a server whose certificate is <paramref name="server"/>; null in plaintext mode.</summary>
    public NsmToken? TokenFor(X509Certificate2? server) => Generator?.Generate(server);
}
