using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Security.Tokens;
using SriovForwarder.TestSupport.Tokens;

namespace SriovForwarder.Gateway.Tests.Authorization;

/// <summary>
/// Requests and Closes as NSMgr makes them (path NSC(0) → NSMgr(1), the NSMgr's token in <c>nsm-client-token</c>) against
/// the forwarder in SPIFFE mode: valid ones work and carry tokens on; forged, expired, unchained or certificate-less ones
/// are refused PermissionDenied naming the policy, before the chain starts; another identity cannot Close.
/// </summary>
public sealed class SecuredRequestTests(SecuredForwarderFixture fixture) : IClassFixture<SecuredForwarderFixture>, IDisposable
{
    private readonly global::Grpc.Net.Client.GrpcChannel _channel = UnixSocketChannelFactory.Create(fixture.ForwarderSocket, TimeSpan.FromSeconds(2));

    [Fact]
    public async Task Request_WithValidTokens_WorksAndFillsBothSegmentsAndSignsTheNextHopCall()
    {
        var (request, headers) = NsmgrRequest();

        var connection = await Client().RequestAsync(request, headers);

        Assert.Equal(State.Up, connection.State);
        var segments = connection.Path.PathSegments;
        Assert.Equal(3, segments.Count);
        Assert.Equal(headers.GetValue("nsm-client-token"), segments[1].Token);
        Assert.True(JwtToken.TryParse(segments[2].Token, out var ours));
        Assert.Equal(fixture.Domain.IdOf("forwarder"), ours.Subject);
        Assert.Equal([fixture.Domain.IdOf("nsmgr")], ours.Audience);
        Assert.True(ours.IsSignedBy(fixture.Identities["forwarder"]));
        var sent = Assert.Single(fixture.Nse.Requests, r => r.Connection.Path.PathSegments[1].Id == request.Connection.Id);
        Assert.True(JwtToken.TryParse(fixture.Nse.ClientTokens[sent.Connection.Id], out var perRpc));
        Assert.Equal(fixture.Domain.IdOf("forwarder"), perRpc.Subject);
        Assert.True(perRpc.IsSignedBy(fixture.Identities["forwarder"]));
        Assert.Equal(segments[2].Token, sent.Connection.Path.PathSegments[2].Token);

        await Client().CloseAsync(connection, Caller("nsmgr", headers));
    }

    [Fact]
    public async Task Request_ExpiredCallerToken_IsRefusedNamingTokensExpired_AndNothingIsHeld()
    {
        var (request, _) = NsmgrRequest();
        var headers = Headers("nsmgr", Token("nsmgr", "forwarder", DateTimeOffset.UtcNow.AddSeconds(-5)));

        await AssertRefusedAsync(request, headers, "tokens_expired");
    }

    [Fact]
    public async Task Request_CallerTokenSignedByAnotherKey_IsRefusedNamingPrevTokenSigned_AndNothingIsHeld()
    {
        var (request, _) = NsmgrRequest();
        var headers = Headers("nsmgr", Token("impostor", "forwarder"));

        await AssertRefusedAsync(request, headers, "prev_token_signed");
    }

    [Fact]
    public async Task Request_UnchainedPath_IsRefusedNamingTokensChained_AndNothingIsHeld()
    {
        var (request, headers) = NsmgrRequest();
        request.Connection.Path.PathSegments[0].Token = Token("nsc", "other").Value;

        await AssertRefusedAsync(request, headers, "tokens_chained");
    }

    [Fact]
    public async Task Request_WithoutCallerCertificate_IsRefusedNamingPrevTokenSigned()
    {
        var (request, headers) = NsmgrRequest();
        headers.Remove(headers.Get(StandInCallerCertificates.Header)!);

        await AssertRefusedAsync(request, headers, "prev_token_signed");
    }

    [Fact]
    public async Task Request_GarbageToken_IsRefusedNamingTokensValid()
    {
        var (request, headers) = NsmgrRequest();
        request.Connection.Path.PathSegments[0].Token = "not.a-jwt";

        await AssertRefusedAsync(request, headers, "tokens_valid");
    }

    [Fact]
    public async Task Close_ByAnotherIdentity_IsRefusedAndTheConnectionStays_TheOwnerClosesIt()
    {
        var (request, headers) = NsmgrRequest();
        var connection = await Client().RequestAsync(request, headers);
        var id = connection.Path.PathSegments[2].Id;

        // "other" has its own valid, chained, signed tokens; it just did not make this connection.
        var stranger = connection.Clone();
        stranger.Path.PathSegments[0].Token = Token("nsc", "other-nsmgr").Value;
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client().CloseAsync(stranger, Headers("other", Token("other", "forwarder"))));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("connection_owner", error.Status.Detail, StringComparison.Ordinal);
        Assert.NotNull(await Grain(id).GetAsync());
        Assert.DoesNotContain(fixture.Nse.Closes, c => c.Id == id);

        await Client().CloseAsync(connection, Headers("nsmgr", Token("nsmgr", "forwarder")));
        Assert.Null(await Grain(id).GetAsync());
        Assert.Contains(fixture.Nse.Closes, c => c.Id == id);
    }

    [Fact]
    public async Task MonitorConnections_ShowsASubscriberOnlyTheConnectionsItsIdentityMade()
    {
        var (request, headers) = NsmgrRequest();
        var connection = await Client().RequestAsync(request, headers);

        var owner = await InitialStateAsync("nsmgr");
        var stranger = await InitialStateAsync("other");

        // Our monitor speaks in our coordinates: the connection is known by our segment's id.
        var ours = connection.Path.PathSegments[2].Id;
        Assert.Contains(ours, owner.Connections.Keys);
        Assert.DoesNotContain(ours, stranger.Connections.Keys);
        await Client().CloseAsync(connection, Headers("nsmgr", Token("nsmgr", "forwarder")));
    }

    private async Task<ConnectionEvent> InitialStateAsync(string subscriber)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var events = new MonitorConnection.MonitorConnectionClient(_channel).MonitorConnections(
            new MonitorScopeSelector(), new Metadata { { StandInCallerCertificates.Header, subscriber } }, cancellationToken: cancel.Token);
        Assert.True(await events.ResponseStream.MoveNext(cancel.Token));
        Assert.Equal(ConnectionEventType.InitialStateTransfer, events.ResponseStream.Current.Type);
        return events.ResponseStream.Current;
    }

    private async Task AssertRefusedAsync(NetworkServiceRequest request, Metadata headers, string policy)
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await Client().RequestAsync(request, headers));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains($"policy failed: {policy}", error.Status.Detail, StringComparison.Ordinal);
        // Nothing held: no connection grain state, and the chain never reached the next hop.
        var id = ForwarderPath.NewSegmentId(request.Connection, SecuredForwarderFixture.Name);
        Assert.Null(await Grain(id).GetAsync());
        Assert.DoesNotContain(fixture.Nse.Requests, r => r.Connection.Id == id);
    }

    private (NetworkServiceRequest Request, Metadata Headers) NsmgrRequest()
    {
        var nsmgrSegment = Guid.NewGuid().ToString();
        var request = new NetworkServiceRequest
        {
            Connection = new Connection
            {
                Id = nsmgrSegment,
                NetworkService = "ns",
                NetworkServiceEndpointName = "nse-1",
                Path = new Api.Nsm.Connection.Path
                {
                    Index = 1,
                    PathSegments =
                    {
                        new PathSegment { Name = "nsc", Id = Guid.NewGuid().ToString(), Token = Token("nsc", "nsmgr").Value },
                        new PathSegment { Name = "nsmgr", Id = nsmgrSegment },
                    },
                },
            },
            MechanismPreferences = { new Mechanism { Cls = "LOCAL", Type = "NOOP" } },
        };
        return (request, Headers("nsmgr", Token("nsmgr", "forwarder")));
    }

    private static Metadata Headers(string caller, NsmToken token)
    {
        var headers = TokenMetadata.Headers(token);
        headers.Add(StandInCallerCertificates.Header, caller);
        return headers;
    }

    private static Metadata Caller(string caller, Metadata tokens)
    {
        var headers = new Metadata { { StandInCallerCertificates.Header, caller } };
        foreach (var entry in tokens.Where(e => e.Key.StartsWith("nsm-", StringComparison.Ordinal)))
        {
            headers.Add(entry);
        }

        return headers;
    }

    private NsmToken Token(string signer, string audiencePath) => Token(signer, audiencePath, DateTimeOffset.UtcNow.AddMinutes(5));

    // A token as the named identity's own generator makes it, for the SPIFFE ID spiffe://example.org/<audiencePath>.
    private NsmToken Token(string signer, string audiencePath, DateTimeOffset expires)
    {
        using var audience = fixture.Domain.Issue(audiencePath);
        var lifetime = TimeSpan.FromMinutes(10);
        var generator = new NsmTokenGenerator(new FixedSvidSource(fixture.Domain.Svid(fixture.Identities[signer])), lifetime, new FakeTimeProvider(expires - lifetime));
        return generator.Generate(audience);
    }

    public void Dispose() => _channel.Dispose();

    private NetworkService.NetworkServiceClient Client() => new(_channel);

    private IConnectionGrain Grain(string id) => fixture.Grains.GetGrain<IConnectionGrain>(NodeKeys.For(SecuredForwarderFixture.Node, id));
}
