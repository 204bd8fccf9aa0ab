using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Tests.Cluster;

/// <summary>The node grain's side of the reconcile pass (decision 007): reservations follow what their owners record.</summary>
public sealed class NodeGrainReconcileTests : IAsyncLifetime
{
    private NodeSilos _silos = null!;

    private INodeGrain Node => _silos.Grains.GetGrain<INodeGrain>(NodeSilos.NodeName(0));

    public async Task InitializeAsync() => _silos = await NodeSilos.StartAsync(1);

    public async Task DisposeAsync() => await _silos.DisposeAsync();

    [Fact]
    public async Task ReconcileReservations_ReservationNoOwnerRecords_IsReleasedAndItsTokenServesAgain()
    {
        var tokens = await TokensAsync();
        var orphan = await Node.ReserveAsync(new ReserveRequest("conn-orphan", tokens[0], VfDriver.Kernel));
        var owned = await Node.ReserveAsync(new ReserveRequest("conn-owned", tokens[1], VfDriver.Kernel));

        var report = await Node.ReconcileReservationsAsync(
            [new HeldVf("conn-owned", tokens[1], owned.VfAddress, VfDriver.Kernel)], DateTimeOffset.UtcNow.AddMinutes(1), adopt: false);

        Assert.Equal([orphan.VfAddress], report.Released.Select(r => r.VfAddress));
        Assert.Equal(["conn-owned"], (await Node.GetSnapshotAsync()).Reservations.Select(r => r.ConnectionId));
        var again = await Node.ReserveAsync(new ReserveRequest("conn-new", tokens[0], VfDriver.Kernel));
        Assert.NotEqual(owned.VfAddress, again.VfAddress);
    }

    [Fact]
    public async Task ReconcileReservations_ReservationMadeAfterThePassBegan_IsKept()
    {
        var tokens = await TokensAsync();
        var passBegan = DateTimeOffset.UtcNow.AddMinutes(-1);
        await Node.ReserveAsync(new ReserveRequest("conn-racing", tokens[0], VfDriver.Kernel));

        var report = await Node.ReconcileReservationsAsync([], passBegan, adopt: false);

        Assert.Empty(report.Released);
        Assert.NotNull(await Node.GetReservationAsync("conn-racing"));
    }

    [Fact]
    public async Task ReconcileReservations_OwnerRecordsAVfTheNodeLost_IsReservedAgainOnlyWhenAdopting()
    {
        var tokens = await TokensAsync();
        var first = await Node.ReserveAsync(new ReserveRequest("conn-refreshing", tokens[0], VfDriver.Kernel));
        Assert.True(await Node.ReleaseAsync("conn-refreshing"));
        var owner = new HeldVf("conn-refreshing", tokens[0], first.VfAddress, VfDriver.Kernel);

        var periodic = await Node.ReconcileReservationsAsync([owner], DateTimeOffset.UtcNow, adopt: false);
        var atStart = await Node.ReconcileReservationsAsync([owner], DateTimeOffset.UtcNow, adopt: true);

        Assert.Empty(periodic.Adopted);
        Assert.Equal([owner], atStart.Adopted);
        Assert.Equal(first.VfAddress, (await Node.GetReservationAsync("conn-refreshing"))?.VfAddress);
        var refused = await Node.ReconcileReservationsAsync(
            [owner, new HeldVf("conn-other", tokens[1], first.VfAddress, VfDriver.Kernel)], DateTimeOffset.UtcNow, adopt: true);
        Assert.Contains("conn-other", refused.Refused.Keys);
    }

    private async Task<List<string>> TokensAsync()
    {
        var resource = (await Node.GetResourceNamesAsync())[0];
        return [.. (await Node.GetDevicesAsync(resource)).Devices.Select(d => d.Id)];
    }
}
