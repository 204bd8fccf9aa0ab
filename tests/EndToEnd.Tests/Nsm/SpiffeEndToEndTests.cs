using System.Net.Security;
using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Security.Spiffe;
using SriovForwarder.Security.Spiffe.Tls;
using SriovForwarder.Security.Spiffe.WorkloadApi;
using SriovForwarder.Security.Tokens;
using SriovForwarder.TestSupport.Tokens;
using SriovForwarder.TestSupport.StandIns;
using SriovForwarder.TestSupport.Waiting;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>Mutual TLS by SPIFFE rules on the real executable's NSM socket and on its calls to the registry and the next hop.</summary>
public sealed class SpiffeEndToEndTests(SpiffeForwarderFixture fixture) : IClassFixture<SpiffeForwarderFixture>
{
    [Fact]
    public async Task NoopRequest_NsmgrWithItsSvid_IsServedOverMutualTlsAndForwardedToTheNseOverMutualTls()
    {
        // NSMgr's TLS identity and the key that signs its tokens are one SVID, as with a real NSMgr (prev_token_signed).
        var nsmgrSvid = fixture.Identities.Svid("nsmgr");
        var nsmgr = fixture.Identities.Client(new SvidCredentials(new FixedSvidSource(nsmgrSvid)));
        using var channel = UnixSocketChannelFactory.Create(fixture.Harness.ListenSocket, TimeSpan.FromSeconds(5), security: nsmgr);
        var client = new NetworkService.NetworkServiceClient(channel);
        var request = Noop("spiffe-ok");
        var (nscToken, nsmgrTokens) = fixture.NsmgrTokens(nsmgrSvid);
        request.Connection.Path.PathSegments[0].Token = nscToken;

        var answer = await client.RequestAsync(request, nsmgrTokens, deadline: DateTime.UtcNow.AddSeconds(20));

        Assert.Equal("NOOP", answer.Mechanism.Type);
        Assert.Equal("spiffe://example.org/forwarder", nsmgr.ServerOf(fixture.ListenUrl)?.Id.ToString());
        // The next hop (nse-1) requires mutual TLS: the Request reached it, so our client side presented our SVID.
        Assert.Contains(fixture.Nsmgr.Nse.Requests, r => r.Connection.Path.PathSegments.Any(s => s.Id == "spiffe-ok"));
        // So did the registration with the registry (mutual TLS too).
        await Eventually.TrueAsync(() => fixture.Nsmgr.Registry.Registrations.Reader.TryPeek(out _), "the forwarder registered over mutual TLS");
        // Our segment carries our own token, for NSMgr: the path is chained through us.
        Assert.True(JwtToken.TryParse(answer.Path.PathSegments[2].Token, out var ours));
        Assert.Equal("spiffe://example.org/forwarder", ours.Subject);
        await client.CloseAsync(answer, fixture.NsmgrTokens(nsmgrSvid).PerRpc, deadline: DateTime.UtcNow.AddSeconds(20));
    }

    [Theory]
    [InlineData("expired", "tokens_expired")]
    [InlineData("forged", "prev_token_signed")]
    [InlineData("unchained", "tokens_chained")]
    [InlineData("garbage", "tokens_valid")]
    public async Task Request_OverMutualTlsWithABadToken_IsRefusedPermissionDeniedNamingThePolicyAndNothingIsHeld(string fault, string policy)
    {
        var nsmgrSvid = fixture.Identities.Svid("nsmgr");
        var nsmgr = fixture.Identities.Client(new SvidCredentials(new FixedSvidSource(nsmgrSvid)));
        using var channel = UnixSocketChannelFactory.Create(fixture.Harness.ListenSocket, TimeSpan.FromSeconds(5), security: nsmgr);
        var client = new NetworkService.NetworkServiceClient(channel);
        var id = "spiffe-" + fault;
        var request = Noop(id);
        var (nscToken, perRpc) = fixture.NsmgrTokens(nsmgrSvid);
        var forwarder = fixture.Identities.Svid("forwarder").Certificate;
        request.Connection.Path.PathSegments[0].Token = fault switch
        {
            // The NSC's token names someone else than NSMgr as its audience: the path is not chained.
            "unchained" => new NsmTokenGenerator(new FixedSvidSource(fixture.Identities.Svid("nsc")), TimeSpan.FromMinutes(10), TimeProvider.System)
                .Generate(fixture.Identities.Svid("other").Certificate).Value,
            "garbage" => "not.a-jwt",
            _ => nscToken,
        };
        perRpc = fault switch
        {
            // NSMgr's own key, but the token ran out 5 s ago.
            "expired" => TokenMetadata.Headers(new NsmTokenGenerator(new FixedSvidSource(nsmgrSvid), TimeSpan.FromSeconds(-5), TimeProvider.System).Generate(forwarder)),
            // NSMgr's SPIFFE ID, but signed by another key (a second SVID for the same ID): not what the caller's TLS certificate holds.
            "forged" => TokenMetadata.Headers(new NsmTokenGenerator(new FixedSvidSource(fixture.Identities.Svid("nsmgr")), TimeSpan.FromMinutes(10), TimeProvider.System).Generate(forwarder)),
            _ => perRpc,
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => client.RequestAsync(request, perRpc, deadline: DateTime.UtcNow.AddSeconds(20)).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains($"policy failed: {policy}", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("spiffe://example.org/forwarder", nsmgr.ServerOf(fixture.ListenUrl)?.Id.ToString());
        Assert.DoesNotContain(fixture.Nsmgr.Nse.Requests, r => r.Connection.Path.PathSegments.Any(s => s.Id == id));
        await AssertNotHeldAsync(id);
    }

    [Fact]
    public async Task Request_TlsClientWithoutCertificate_FailsTheHandshakeAndReachesNothing()
    {
        using var channel = UnixSocketChannelFactory.Create(fixture.Harness.ListenSocket, TimeSpan.FromSeconds(5), security: new TlsWithoutCertificate());
        var client = new NetworkService.NetworkServiceClient(channel);

        await Assert.ThrowsAnyAsync<Exception>(() => client.RequestAsync(Noop("spiffe-nocert"), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);

        await fixture.Forwarder.WaitForLineAsync("presented no certificate", TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(fixture.Nsmgr.Nse.Requests, r => r.Connection.Path.PathSegments.Any(s => s.Id == "spiffe-nocert"));
        await AssertNotHeldAsync("spiffe-nocert");
    }

    [Fact]
    public async Task Request_PlaintextClient_IsRefusedAndReachesNothing()
    {
        using var channel = UnixSocketChannelFactory.Create(fixture.Harness.ListenSocket, TimeSpan.FromSeconds(5));
        var client = new NetworkService.NetworkServiceClient(channel);

        var failure = await Assert.ThrowsAsync<RpcException>(() => client.RequestAsync(Noop("spiffe-plain"), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);

        Assert.NotEqual(StatusCode.OK, failure.StatusCode);
        Assert.DoesNotContain(fixture.Nsmgr.Nse.Requests, r => r.Connection.Path.PathSegments.Any(s => s.Id == "spiffe-plain"));
        await AssertNotHeldAsync("spiffe-plain");
    }

    [Fact]
    public async Task Request_ClientOfForeignTrustDomain_FailsTheHandshakeNamingItAndReachesNothing()
    {
        var foreign = fixture.Identities.Client(fixture.Identities.Credentials("nsmgr", fixture.Identities.Foreign));
        using var channel = UnixSocketChannelFactory.Create(fixture.Harness.ListenSocket, TimeSpan.FromSeconds(5), security: foreign);
        var client = new NetworkService.NetworkServiceClient(channel);

        await Assert.ThrowsAsync<RpcException>(() => client.RequestAsync(Noop("spiffe-foreign"), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);

        await fixture.Forwarder.WaitForLineAsync("trust domain 'evil.org'", TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(fixture.Nsmgr.Nse.Requests, r => r.Connection.Path.PathSegments.Any(s => s.Id == "spiffe-foreign"));
        await AssertNotHeldAsync("spiffe-foreign");
    }

    [Fact]
    public async Task Rotation_AgentSendsNewSvid_NewConnectionsGetItWithoutARestart()
    {
        var pid = fixture.Forwarder.Id;
        var rotated = fixture.Identities.Answer("forwarder");
        var rotatedThumbprint = X509SvidParser.Parse(rotated).Certificate.Thumbprint;

        fixture.Agent.Send(rotated);

        await Eventually.TrueAsync(
            async () =>
            {
                var nsmgr = fixture.Identities.Client(fixture.Identities.Credentials("nsmgr"));
                using var channel = UnixSocketChannelFactory.Create(fixture.Harness.ListenSocket, TimeSpan.FromSeconds(5), security: nsmgr);
                var monitor = new MonitorConnection.MonitorConnectionClient(channel);
                using var stream = monitor.MonitorConnections(new MonitorScopeSelector(), deadline: DateTime.UtcNow.AddSeconds(10));
                await stream.ResponseStream.MoveNext(CancellationToken.None);
                return nsmgr.ServerOf(fixture.ListenUrl)?.Certificate.Thumbprint == rotatedThumbprint;
            },
            "a new connection is served with the rotated SVID");
        Assert.Equal(pid, fixture.Forwarder.Id);
        Assert.False(fixture.Forwarder.HasExited);
    }

    /// <summary>A TLS client that checks the server's SVID but has no certificate of its own.</summary>
    private sealed class TlsWithoutCertificate : IClientConnectionSecurity
    {
        public async ValueTask<SslStream> SecureAsync(Stream connection, string target, CancellationToken cancellationToken)
        {
            var tls = new SslStream(connection, leaveInnerStreamOpen: false);
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = string.Empty,
                    ApplicationProtocols = [SslApplicationProtocol.Http2],
                    RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.Subject.Contains("forwarder", StringComparison.Ordinal) == true,
                },
                cancellationToken);
            return tls;
        }
    }

    /// <summary>A NOOP Request as NSMgr sends it: the NSC's segment, NSMgr's at index 1.</summary>
    public static NetworkServiceRequest Noop(string id) => new()
    {
        Connection = new Connection
        {
            Id = id,
            NetworkService = "ns",
            NetworkServiceEndpointName = "nse-1",
            Path = new Api.Nsm.Connection.Path
            {
                Index = 1,
                PathSegments = { new PathSegment { Name = "nsc", Id = id + "-nsc" }, new PathSegment { Name = "nsmgr", Id = id } },
            },
        },
        MechanismPreferences = { new Mechanism { Cls = "LOCAL", Type = "NOOP" } },
    };

    /// <summary>MonitorConnections (over mutual TLS, as NSMgr) lists no connection of <paramref name="id"/>.</summary>
    private async Task AssertNotHeldAsync(string id)
    {
        var nsmgr = fixture.Identities.Client(fixture.Identities.Credentials("nsmgr"));
        using var channel = UnixSocketChannelFactory.Create(fixture.Harness.ListenSocket, TimeSpan.FromSeconds(5), security: nsmgr);
        var monitor = new MonitorConnection.MonitorConnectionClient(channel);
        using var stream = monitor.MonitorConnections(new MonitorScopeSelector(), deadline: DateTime.UtcNow.AddSeconds(10));
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
        Assert.DoesNotContain(stream.ResponseStream.Current.Connections.Values, c => c.Id == id || c.Path.PathSegments.Any(s => s.Id == id));
    }
}
