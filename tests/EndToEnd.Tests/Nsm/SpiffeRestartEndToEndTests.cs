using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Security.Spiffe.Tls;
using SriovForwarder.Security.Tokens;
using SriovForwarder.TestSupport.Tokens;
using Path = System.IO.Path;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>
/// Who made a connection survives a restart of the executable (SPIFFE mode, same NSM_STATE_PATH): another identity with
/// valid, chained, signed tokens still cannot Close it afterwards, and its maker still can.
/// </summary>
public sealed class SpiffeRestartEndToEndTests : IDisposable
{
    private readonly NsmForwarderHarness _harness = new();
    private readonly SpiffeTestIdentities _identities = new();

    public void Dispose()
    {
        _identities.Dispose();
        _harness.Dispose();
    }

    [Fact]
    public async Task Restart_CloseByAnotherIdentity_IsStillRefusedNamingConnectionOwner_TheMakerClosesIt()
    {
        await using var agent = new StandInSpiffeAgent(Path.Combine(_harness.Folder, "spire-agent.sock"));
        agent.Send(_identities.Answer("forwarder"));
        await agent.StartAsync();
        await using var nsmgr = await StandInNsmgr.StartAsync(_harness.Folder, tls: _identities.Credentials("nsmgr"));
        var environment = new Dictionary<string, string> { ["SPIFFE_ENDPOINT_SOCKET"] = agent.EndpointUrl };
        var nsmgrSvid = _identities.Svid("nsmgr");
        Connection connection;
        await using (var first = _harness.Start($"unix://{nsmgr.RegistrySocket}", environment))
        {
            await first.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
            using var channel = Channel(new SvidCredentials(new FixedSvidSource(nsmgrSvid)));
            var request = SpiffeEndToEndTests.Noop("spiffe-owner");
            var (nscToken, perRpc) = SpiffeForwarderFixture.NsmgrTokens(_identities, nsmgrSvid);
            request.Connection.Path.PathSegments[0].Token = nscToken;
            connection = await new NetworkService.NetworkServiceClient(channel).RequestAsync(request, perRpc, deadline: DateTime.UtcNow.AddSeconds(20));
            Assert.Equal(0, await first.TerminateAsync(TimeSpan.FromSeconds(30)));
        }

        await using var second = _harness.Start($"unix://{nsmgr.RegistrySocket}", environment);
        await second.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);

        // "other" has its own valid SVID and tokens chained to it; it just did not make this connection.
        var otherSvid = _identities.Svid("other");
        using (var strangerChannel = Channel(new SvidCredentials(new FixedSvidSource(otherSvid))))
        {
            var stranger = connection.Clone();
            stranger.Path.PathSegments[0].Token = SpiffeForwarderFixture.NsmgrTokens(_identities, otherSvid).NscToken;
            var (_, otherPerRpc) = SpiffeForwarderFixture.NsmgrTokens(_identities, otherSvid);
            var error = await Assert.ThrowsAsync<RpcException>(() =>
                new NetworkService.NetworkServiceClient(strangerChannel).CloseAsync(stranger, otherPerRpc, deadline: DateTime.UtcNow.AddSeconds(20)).ResponseAsync);

            Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
            Assert.Contains("policy failed: connection_owner", error.Status.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain(nsmgr.Nse.Closes, c => c.Path.PathSegments.Any(s => s.Id == "spiffe-owner"));
        }

        using var ownerChannel = Channel(new SvidCredentials(new FixedSvidSource(nsmgrSvid)));
        await new NetworkService.NetworkServiceClient(ownerChannel).CloseAsync(
            connection, SpiffeForwarderFixture.NsmgrTokens(_identities, nsmgrSvid).PerRpc, deadline: DateTime.UtcNow.AddSeconds(20));
        Assert.Contains(nsmgr.Nse.Closes, c => c.Path.PathSegments.Any(s => s.Id == "spiffe-owner"));
        Assert.Equal(0, await second.TerminateAsync(TimeSpan.FromSeconds(30)));
    }

    private Grpc.Net.Client.GrpcChannel Channel(SvidCredentials credentials) =>
        UnixSocketChannelFactory.Create(_harness.ListenSocket, TimeSpan.FromSeconds(5), security: _identities.Client(credentials));
}
