using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using SriovForwarder.Security.Tokens;
using Path = SriovForwarder.Api.Nsm.Connection.Path;

namespace SriovForwarder.Security.Authorization;

/// <summary>
/// The server side of NSM security for one Request or Close (upstream's updatetoken + authorize, §11.2–11.3), on a path
/// already pointed at our segment: fills the previous segment from the caller's metadata and ours with a token for the
/// caller, then checks the server policies and that the connection, if known, belongs to the caller's SPIFFE ID.
/// </summary>
public sealed class NetworkServiceAuthorizer(NsmTokenGenerator tokens, ConnectionOwners owners, TimeProvider time)
{
    /// <summary>The name under which a refusal by <see cref="ConnectionOwners"/> is reported (ours; upstream has no such policy).</summary>
    public const string ConnectionOwnerPolicy = "connection_owner";

    /// <summary>The policies checked, in order (upstream's common and server policies).</summary>
    public PolicySet Policies { get; } = BuiltInPolicies.Server;

    /// <summary>Who made which connection.</summary>
    public ConnectionOwners Owners => owners;

    /// <summary>
    /// Fills the tokens of <paramref name="path"/> (pointed at our segment) and checks it for <paramref name="caller"/>'s
    /// call on our connection <paramref name="connectionId"/>. Returns the name of the failed policy, or null when allowed;
    /// <paramref name="previousFilled"/> says whether the caller's metadata carried a usable token.
    /// </summary>
    public string? Check(Path path, string connectionId, Metadata callerHeaders, X509Certificate2? caller, out bool previousFilled)
    {
        ArgumentNullException.ThrowIfNull(path);
        previousFilled = PathTokens.FillPrevious(path, callerHeaders);
        PathTokens.FillOwn(path, tokens.Generate(caller));
        var index = (int)path.Index;
        var input = new PolicyInput([.. path.PathSegments.Take(index + 1).Select(s => s.Token)], index, caller);
        if (Policies.FirstFailure(input, time.GetUtcNow()) is { } failed)
        {
            return failed.Name;
        }

        var recorded = owners.OwnerOf(connectionId);
        return recorded is null || recorded == CertificateSpiffeId.Of(caller) ? null : ConnectionOwnerPolicy;
    }

    /// <summary>The gRPC refusal for a failed policy: PermissionDenied, upstream's wording, and the policy's name.</summary>
    public static RpcException Refusal(string policy) =>
        new(new Status(StatusCode.PermissionDenied, $"an error occurred during authorization policy check: no sufficient privileges: policy failed: {policy}"));
}
