using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Grains.Interfaces.Models;
using Path = System.IO.Path;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>
/// What the recovery for a corrupt state file (move it aside, start again; README "Exit codes") costs, as the refusal
/// message and the README say, checked through the real executable (root: a VFIO connection on the simulated node).
/// </summary>
[Trait("Requires", "root")]
public sealed class StateFileRecoveryEndToEndTests : IDisposable
{
    private const string ConnectionId = "recover-a";
    private readonly NsmForwarderHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [RootFact("runs the forwarder as root on a simulated node with real veths")]
    public async Task TokenIdsFileMovedAside_Restart_MakesNewTokenIdsAndClosesTheConnectionsHoldingVfsThroughOldOnes()
    {
        await using var run = await RestartWithoutAsync("tokenids");

        Assert.DoesNotContain(run.Token, run.TokensAfter);
        Assert.Empty(run.After.Reservations);
        Assert.DoesNotContain(ConnectionId, run.Monitored);
        Assert.Contains($"connection {ConnectionId} records a VF that cannot be reserved again", run.Forwarder.Output, StringComparison.Ordinal);
    }

    [RootFact("runs the forwarder as root on a simulated node with real veths")]
    public async Task AllocationsFileMovedAside_Restart_ReservesTheConnectionsVfAgainFromItsOwnRecordAndKeepsTheTokenIds()
    {
        await using var run = await RestartWithoutAsync("allocations");

        var vf = run.Held.Mechanism.Parameters["pciAddress"];
        Assert.Contains(run.Token, run.TokensAfter);
        Assert.Equal([(ConnectionId, vf)], run.After.Reservations.Select(r => (r.ConnectionId, r.VfAddress)));
        Assert.Contains(ConnectionId, run.Monitored);
        Assert.Contains($"Reserved VF {vf} again for connection {ConnectionId}", run.Forwarder.Output, StringComparison.Ordinal);
    }

    [RootFact("runs the forwarder as root on a simulated node with real veths")]
    public async Task ConnectionFileMovedAside_Restart_ReleasesItsOrphanReservationAndARequestWithItsIdSetsItUpAgain()
    {
        await using var run = await RestartWithoutAsync("connection");
        var again = await Client().RequestAsync(new NetworkServiceRequest { Connection = run.Held.Clone(), MechanismPreferences = { run.Held.Mechanism.Clone() } });
        var afterRequest = await run.Node.Node.GetSnapshotAsync();

        var vf = run.Held.Mechanism.Parameters["pciAddress"];
        Assert.Empty(run.After.Reservations);
        Assert.Contains($"Reclaimed VF {vf}: reserved for connection {ConnectionId}", run.Forwarder.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(ConnectionId, run.Monitored);
        Assert.Equal([(ConnectionId, again.Mechanism.Parameters["pciAddress"])], afterRequest.Reservations.Select(r => (r.ConnectionId, r.VfAddress)));
    }

    // Request one VFIO connection, stop with SIGTERM, move the state file of the kind aside, start again and look.
    private async Task<Restarted> RestartWithoutAsync(string kind)
    {
        var nsmgr = await StandInNsmgr.StartAsync(_harness.Folder);
        var connectTo = $"unix://{nsmgr.RegistrySocket}";
        _harness.AddContainerCgroup("pod-a", "c1");
        Connection held;
        string token;
        await using (var first = _harness.Start(connectTo))
        {
            await first.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
            await using var node = await NodeClient.ConnectAsync(_harness.GatewayPort, NsmForwarderHarness.NodeName);
            token = (await node.TokensAsync(NsmForwarderFixture.Resource))[0];
            held = await Client().RequestAsync(NsmForwarderFixture.VfioRequest(ConnectionId, token, "pod-a/*"));
            Assert.Equal(0, await first.TerminateAsync(TimeSpan.FromSeconds(30)));
        }

        var file = Directory.GetFiles(Path.Combine(_harness.SimulateDir, "state", "grains"), $"*.{kind}.json", SearchOption.AllDirectories).Single();
        File.Move(file, file + ".corrupt");
        var second = _harness.Start(connectTo);
        await second.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
        var node2 = await NodeClient.ConnectAsync(_harness.GatewayPort, NsmForwarderHarness.NodeName);
        var tokens = await node2.TokensAsync(NsmForwarderFixture.Resource);
        var snapshot = await node2.Node.GetSnapshotAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var events = new MonitorConnection.MonitorConnectionClient(_harness.OpenChannel())
            .MonitorConnections(new MonitorScopeSelector(), cancellationToken: cancel.Token);
        Assert.True(await events.ResponseStream.MoveNext(cancel.Token));
        return new Restarted(nsmgr, second, node2, held, token, tokens, snapshot, [.. events.ResponseStream.Current.Connections.Keys]);
    }

    private NetworkService.NetworkServiceClient Client() =>
        new(_harness.OpenChannel());

    private sealed record Restarted(
        StandInNsmgr Nsmgr, ForwarderProcess Forwarder, NodeClient Node, Connection Held, string Token,
        IReadOnlyList<string> TokensAfter, NodeSnapshot After, IReadOnlyList<string> Monitored) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Node.DisposeAsync();
            Assert.Equal(0, await Forwarder.TerminateAsync(TimeSpan.FromSeconds(30)));
            await Forwarder.DisposeAsync();
            await Nsmgr.DisposeAsync();
        }
    }
}
