using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SriovForwarder.Api.Nsm.Registry;
using SriovForwarder.Security.Tokens;

namespace SriovForwarder.Gateway.Tests.Registry;

/// <summary>
/// A stand-in NSMgr registry that speaks the registry path metadata (§7.3): it records the <c>path</c> and
/// <c>nsm-client-token</c> headers of every Register, and answers with the path NSMgr builds on a first registration,
/// <c>[{caller's per-RPC token}, {its own token for the caller}]</c> at index 0, its own token signed by
/// <see cref="Signer"/>, and <c>path_ids</c> = [caller's SPIFFE ID, its own].
/// </summary>
public sealed class TokenIssuingRegistry(NsmTokenGenerator signer, string ownSpiffeId, X509Certificate2 caller) : NetworkServiceEndpointRegistry.NetworkServiceEndpointRegistryBase
{
    public ConcurrentQueue<(string? Path, string? Token)> Received { get; } = new();

    public ConcurrentQueue<NetworkServiceEndpoint> Unregistered { get; } = new();

    /// <summary>Who signs this registry's own path segment (a forger's key makes next_token_signed fail).</summary>
    public NsmTokenGenerator Signer { get; set; } = signer;

    public override async Task<NetworkServiceEndpoint> Register(NetworkServiceEndpoint request, ServerCallContext context)
    {
        var path = context.RequestHeaders.GetValue("path");
        var token = context.RequestHeaders.GetValue("nsm-client-token");
        Received.Enqueue((path, token));
        var callerId = token is not null && JwtToken.TryParse(token, out var jwt) ? jwt.Subject ?? "" : "";
        var returnedPath = JsonSerializer.Serialize(new
        {
            Index = 0,
            PathSegments = new[] { new { token = token ?? "" }, new { token = Signer.Generate(caller).Value } },
        });
        await context.WriteResponseHeadersAsync(new global::Grpc.Core.Metadata { { "path", returnedPath } });
        var returned = request.Clone();
        returned.PathIds.Clear();
        returned.PathIds.Add([callerId, ownSpiffeId]);
        returned.ExpirationTime = request.ExpirationTime ?? Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(10));
        return returned;
    }

    public override Task<Empty> Unregister(NetworkServiceEndpoint request, ServerCallContext context)
    {
        Unregistered.Enqueue(request);
        return Task.FromResult(new Empty());
    }
}
