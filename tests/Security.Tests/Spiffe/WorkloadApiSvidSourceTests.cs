using Microsoft.Extensions.Logging.Abstractions;
using SriovForwarder.Security.Spiffe;
using SriovForwarder.Security.Spiffe.WorkloadApi;
using SriovForwarder.TestSupport.Sockets;
using SriovForwarder.TestSupport.StandIns;
using SriovForwarder.TestSupport.Waiting;

namespace SriovForwarder.Security.Tests.Spiffe;

public sealed class WorkloadApiSvidSourceTests : IDisposable
{
    private readonly SpiffeTestIdentities _identities = new();
    private readonly TempSocketFolder _folder = new();

    [Fact]
    public async Task StartAsync_AgentSendsSvid_CurrentIsItWithKeyAndBundle()
    {
        await using var agent = new StandInSpiffeAgent(_folder.Socket("agent.sock"));
        agent.Send(_identities.Answer("ns/nsm-system/sa/forwarder"));
        await agent.StartAsync();
        await using var source = Source(agent.EndpointUrl);

        var svid = await source.StartAsync(CancellationToken.None);

        Assert.Equal("spiffe://example.org/ns/nsm-system/sa/forwarder", svid.SpiffeId);
        Assert.True(svid.Certificate.HasPrivateKey);
        Assert.Equal(_identities.Example.Root.Thumbprint, Assert.Single(svid.Bundles["example.org"]).Thumbprint);
        Assert.Same(svid, source.Current);
    }

    [Fact]
    public async Task Rotation_AgentSendsNewSvid_CurrentIsReplacedAndRotatedRaised()
    {
        await using var agent = new StandInSpiffeAgent(_folder.Socket("agent.sock"));
        agent.Send(_identities.Answer("forwarder"));
        await agent.StartAsync();
        await using var source = Source(agent.EndpointUrl);
        var first = await source.StartAsync(CancellationToken.None);
        var rotated = new TaskCompletionSource<X509Svid>();
        source.Rotated += (_, svid) => rotated.TrySetResult(svid);

        agent.Send(_identities.Answer("forwarder"));

        var second = await rotated.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotEqual(first.Certificate.Thumbprint, second.Certificate.Thumbprint);
        Assert.Same(second, source.Current);
        Assert.Equal(1, agent.StreamsOpened);
    }

    [Fact]
    public async Task Reconnect_AgentRestartsWithNewSvid_SourceReconnectsAndTakesIt()
    {
        await using var agent = new StandInSpiffeAgent(_folder.Socket("agent.sock"));
        agent.Send(_identities.Answer("forwarder"));
        await agent.StartAsync();
        await using var source = Source(agent.EndpointUrl);
        var first = await source.StartAsync(CancellationToken.None);

        await agent.StopAsync();
        agent.Send(_identities.Answer("forwarder"));
        await agent.StartAsync();

        await Eventually.TrueAsync(() => source.Current.Certificate.Thumbprint != first.Certificate.Thumbprint, "the SVID of the restarted agent is current");
        Assert.True(agent.StreamsOpened >= 2);
    }

    [Fact]
    public async Task StartAsync_NoSocket_RefusesNamingTheSocketAndWhy()
    {
        var path = _folder.Socket("absent.sock");
        await using var source = Source("unix://" + path, TimeSpan.FromMilliseconds(700));

        var refusal = await Assert.ThrowsAsync<WorkloadApiUnavailableException>(() => source.StartAsync(CancellationToken.None));

        Assert.Contains($"SPIFFE_ENDPOINT_SOCKET=unix://{path}", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("no socket file exists", refusal.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => source.Current);
    }

    [Fact]
    public async Task StartAsync_SilentAgent_RefusesSayingItHasNotAnswered()
    {
        await using var agent = new StandInSpiffeAgent(_folder.Socket("agent.sock"));
        await agent.StartAsync();
        await using var source = Source(agent.EndpointUrl, TimeSpan.FromMilliseconds(700));

        var refusal = await Assert.ThrowsAsync<WorkloadApiUnavailableException>(() => source.StartAsync(CancellationToken.None));

        Assert.Contains("has not answered", refusal.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _identities.Dispose();
        _folder.Dispose();
    }

    private static WorkloadApiSvidSource Source(string url, TimeSpan? timeout = null) => new(
        new WorkloadApiOptions { EndpointSocket = url, FirstSvidTimeout = timeout ?? TimeSpan.FromSeconds(10), MaxReconnectDelay = TimeSpan.FromMilliseconds(200) },
        NullLogger<WorkloadApiSvidSource>.Instance);
}
