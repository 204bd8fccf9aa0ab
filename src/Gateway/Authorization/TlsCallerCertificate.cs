using System.Security.Cryptography.X509Certificates;
using Grpc.Core;

namespace SriovForwarder.Gateway.Authorization;

/// <summary>The client certificate of the call's TLS connection (Kestrel mutual TLS).</summary>
public sealed class TlsCallerCertificate : ICallerCertificate
{
    /// <inheritdoc />
    public X509Certificate2? Of(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetHttpContext().Connection.ClientCertificate;
    }
}
