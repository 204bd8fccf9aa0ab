using System.Net.Security;
using System.Security.Authentication;

namespace SriovForwarder.Security.Spiffe.Tls;

/// <summary>What both ends of our mutual TLS agree on: TLS 1.2 or newer and ALPN <c>h2</c> (standard gRPC).</summary>
public static class SpiffeTlsProtocols
{
    /// <summary>TLS 1.2 and 1.3.</summary>
    public const SslProtocols Enabled = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>ALPN: HTTP/2 only.</summary>
    public static List<SslApplicationProtocol> Alpn => [SslApplicationProtocol.Http2];
}
