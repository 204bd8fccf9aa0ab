using System.Security.Cryptography.X509Certificates;
using Grpc.Core;

namespace SriovForwarder.Gateway.Authorization;

/// <summary>The leaf certificate the caller of an NSM call presented (upstream's <c>auth_info.certificate</c>).</summary>
public interface ICallerCertificate
{
    /// <summary>The caller's leaf certificate, or null when it presented none.</summary>
    X509Certificate2? Of(ServerCallContext context);
}
