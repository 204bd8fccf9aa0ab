using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using SriovForwarder.Gateway.Authorization;

namespace SriovForwarder.TestSupport.Tokens;

/// <summary>
/// A stand-in for the mutual-TLS handshake on the NSM socket (built separately): the test names the identity a call
/// presents in the <c>x-test-caller</c> header, and this hands the gateway that identity's certificate, as Kestrel would
/// hand it the verified client certificate. No header: no certificate.
/// </summary>
public sealed class StandInCallerCertificates(IReadOnlyDictionary<string, X509Certificate2> byName) : ICallerCertificate
{
    public const string Header = "x-test-caller";

    public X509Certificate2? Of(ServerCallContext context) =>
        context.RequestHeaders.GetValue(Header) is { } name ? byName[name] : null;
}
