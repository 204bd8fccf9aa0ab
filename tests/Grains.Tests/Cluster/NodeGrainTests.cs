using Orleans.Runtime;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Tests.Cluster;

/// <summary>
/// The node grain on one simulated node whose single PF offers two resources (two service domains, one capability, four
/// VFs): what reserve, release and kubelet's token calls do to the snapshot and devices, and what survives a deactivation.
/// </summary>
public sealed class NodeGrainTests : IAsyncLifetime
{
    private const string DomainA = "service.domain.1/intel";
    private const string DomainB = "service.domain.2/intel";
    private NodeSilos _silos = null!;

    private INodeGrain Node => _silos.Grains.GetGrain<INodeGrain>(NodeSilos.NodeName(0));

    public async Task InitializeAsync() =>
        _silos = await NodeSilos.StartAsync(1, "pfs=1,vfs=4,capabilities=intel,domains=service.domain.1+service.domain.2");

    public async Task DisposeAsync() => await _silos.DisposeAsync();

    [Fact]
    public async Task Reserve_FreeToken_ReturnsAVfOfThePfAndTheSnapshotCountsIt()
    {
        var token = (await TokensAsync(DomainA))[0];

        var reservation = await Node.ReserveAsync(new ReserveRequest("conn-1", token, VfDriver.Kernel));

        Assert.Equal(("conn-1", token, DomainA), (reservation.ConnectionId, reservation.TokenId, reservation.ResourceName));
        var snapshot = await Node.GetSnapshotAsync();
        var pf = Assert.Single(snapshot.PhysicalFunctions);
        Assert.Equal(_silos.Node(0).PhysicalFunctionAddresses[0], reservation.PfAddress);
        Assert.Equal((4, 3, 1), (pf.TotalVfs, pf.FreeVfs, pf.ReservedVfs));
        Assert.Equal([reservation], snapshot.Reservations);
        Assert.Equal(1, Resource(snapshot, DomainA).InUse);
        Assert.Equal(reservation, await Node.GetReservationAsync("conn-1"));
    }

    [Fact]
    public async Task Reserve_SameConnectionAndTokenAgain_ReturnsTheSameVf()
    {
        var token = (await TokensAsync(DomainA))[0];
        var first = await Node.ReserveAsync(new ReserveRequest("conn-1", token, VfDriver.Kernel));

        var refresh = await Node.ReserveAsync(new ReserveRequest("conn-1", token, VfDriver.Kernel));

        Assert.Equal(first, refresh);
        Assert.Single((await Node.GetSnapshotAsync()).Reservations);
    }

    [Fact]
    public async Task Release_ReservedConnection_FreesItsVfAndToken()
    {
        var token = (await TokensAsync(DomainA))[0];
        var reservation = await Node.ReserveAsync(new ReserveRequest("conn-1", token, VfDriver.Kernel));

        Assert.True(await Node.ReleaseAsync("conn-1"));

        var snapshot = await Node.GetSnapshotAsync();
        Assert.Empty(snapshot.Reservations);
        Assert.Equal(4, snapshot.PhysicalFunctions[0].FreeVfs);
        Assert.Equal(0, Resource(snapshot, DomainA).InUse);
        Assert.Null(await Node.GetReservationAsync("conn-1"));
        Assert.False(await Node.ReleaseAsync("conn-1"));
        var again = await Node.ReserveAsync(new ReserveRequest("conn-2", token, VfDriver.Kernel));
        Assert.Equal(reservation.VfAddress, again.VfAddress);
    }

    [Fact]
    public async Task Reserve_TokenOfOtherDomain_ClosesSiblingToken()
    {
        var tokenB = (await TokensAsync(DomainB))[0];

        await Node.ReserveAsync(new ReserveRequest("conn-b", tokenB, VfDriver.Kernel));

        // The VF is gone from the PF both domains share, so domain A offers one device fewer until it is released.
        var devicesA = (await Node.GetDevicesAsync(DomainA)).Devices;
        var closed = Assert.Single(devicesA, d => !d.Healthy);
        Assert.Equal(1, Resource(await Node.GetSnapshotAsync(), DomainA).Closed);
        var refused = await Assert.ThrowsAsync<VfAllocationException>(
            () => Node.ReserveAsync(new ReserveRequest("conn-a", closed.Id, VfDriver.Kernel)));
        Assert.Equal(VfAllocationFailure.TokenClosed, refused.Reason);
        var refusedAllocate = await Assert.ThrowsAsync<VfAllocationException>(() => Node.AllocateTokensAsync(DomainA, [closed.Id]));
        Assert.Equal(VfAllocationFailure.TokenClosed, refusedAllocate.Reason);

        Assert.True(await Node.ReleaseAsync("conn-b"));
        Assert.All((await Node.GetDevicesAsync(DomainA)).Devices, d => Assert.True(d.Healthy));
    }

    [Fact]
    public async Task Reserve_UnknownToken_IsRefusedAndReservesNothing()
    {
        var error = await Assert.ThrowsAsync<VfAllocationException>(
            () => Node.ReserveAsync(new ReserveRequest("conn-1", "no-such-token", VfDriver.Kernel)));

        Assert.Equal(VfAllocationFailure.UnknownToken, error.Reason);
        Assert.Contains("no-such-token", error.Message, StringComparison.Ordinal);
        Assert.Empty((await Node.GetSnapshotAsync()).Reservations);
    }

    [Fact]
    public async Task AllocateTokens_OneUnknownOrForeignId_AllocatesNone()
    {
        var a = await TokensAsync(DomainA);
        var b = await TokensAsync(DomainB);

        var unknown = await Assert.ThrowsAsync<VfAllocationException>(() => Node.AllocateTokensAsync(DomainA, [a[0], "no-such-token"]));
        var foreign = await Assert.ThrowsAsync<VfAllocationException>(() => Node.AllocateTokensAsync(DomainA, [a[0], b[0]]));

        Assert.Equal(VfAllocationFailure.UnknownToken, unknown.Reason);
        Assert.Equal(VfAllocationFailure.InvalidRequest, foreign.Reason);
        Assert.Empty(await Node.GetAllocatedTokensAsync());
        Assert.Equal(0, Resource(await Node.GetSnapshotAsync(), DomainA).Allocated);
    }

    [Fact]
    public async Task FreeTokens_AllocatedAndUnknownIds_FreesTheKnownAndReportsTheUnknown()
    {
        var a = await TokensAsync(DomainA);
        await Node.AllocateTokensAsync(DomainA, [a[0], a[1]]);
        Assert.Equal([a[0], a[1]], (await Node.GetAllocatedTokensAsync())[DomainA]);

        var unknown = await Node.FreeTokensAsync([a[0], "no-such-token"]);

        Assert.Equal(["no-such-token"], unknown);
        Assert.Equal([a[1]], (await Node.GetAllocatedTokensAsync())[DomainA]);
        Assert.Equal(1, Resource(await Node.GetSnapshotAsync(), DomainA).Allocated);
    }

    [Fact]
    public async Task Activation_AfterDeactivation_RestoresReservationsAllocationsAndTokenIdsFromPersistedState()
    {
        var a = await TokensAsync(DomainA);
        var b = await TokensAsync(DomainB);
        await Node.AllocateTokensAsync(DomainA, [a[1]]);
        var kept = await Node.ReserveAsync(new ReserveRequest("conn-kept", b[0], VfDriver.Kernel));
        var before = await Node.GetSnapshotAsync();

        await _silos.Grains.GetGrain<IManagementGrain>(0).DeactivateGrain(Node.GetGrainId(), CancellationToken.None);

        var after = await Node.GetSnapshotAsync();
        Assert.True(after.ActivatedAt > before.ActivatedAt, "the node grain was not deactivated");
        Assert.Equal(a, await TokensAsync(DomainA));
        Assert.Equal(b, await TokensAsync(DomainB));
        Assert.Equal(kept, await Node.GetReservationAsync("conn-kept"));
        Assert.Equal([a[1]], (await Node.GetAllocatedTokensAsync())[DomainA]);
        // The restored reservation closes its sibling again and keeps its VF out of the pool.
        Assert.Equal(before.Resources, after.Resources);
        Assert.Equal(before.PhysicalFunctions, after.PhysicalFunctions, PhysicalFunctionCounts.Instance);
        var other = await Node.ReserveAsync(new ReserveRequest("conn-new", b[1], VfDriver.Kernel));
        Assert.NotEqual(kept.VfAddress, other.VfAddress);
    }

    [Fact]
    public async Task Activation_ReservedVfLeftOnNoDriverByAKill_BindsItsGroupAsRecordedAgain()
    {
        var b = await TokensAsync(DomainB);
        var kept = await Node.ReserveAsync(new ReserveRequest("conn-half-bound", b[0], VfDriver.Kernel));
        var sim = _silos.Node(0);
        var driverLink = Path.Combine(sim.DevicesPath, kept.VfAddress, "driver");

        // What a SIGKILL between a group's unbind and its bind leaves: the reserved VF on no driver.
        await File.WriteAllTextAsync(Path.Combine(sim.DriversPath, "iavf", "unbind"), kept.VfAddress);
        await Eventually.TrueAsync(() => !Path.Exists(driverLink), "the simulated kernel did not unbind the VF");
        await _silos.Grains.GetGrain<IManagementGrain>(0).DeactivateGrain(Node.GetGrainId(), CancellationToken.None);

        var after = await Node.GetSnapshotAsync();

        Assert.Equal(kept, await Node.GetReservationAsync("conn-half-bound"));
        Assert.Equal("iavf", Path.GetFileName(new FileInfo(driverLink).LinkTarget));
        Assert.Single(Directory.GetDirectories(Path.Combine(sim.DevicesPath, kept.VfAddress, "net")));
        Assert.Equal(1, Assert.Single(after.PhysicalFunctions).ReservedVfs);
    }

    [Fact]
    public async Task Reserve_AskingForTheDriverState_SaysWhetherTheGroupIsAlreadyBoundAndReady()
    {
        var a = await TokensAsync(DomainA);
        var sim = _silos.Node(0);

        // The simulated VFs start on iavf with one netdev each: ready for KERNEL, not for VFIO.
        var kernel = await Node.ReserveAsync(new ReserveRequest("conn-k", a[0], VfDriver.Kernel, ReadDriverState: true));
        var vfio = await Node.ReserveAsync(new ReserveRequest("conn-v", a[1], VfDriver.VfioPci, ReadDriverState: true));
        var plain = await Node.ReserveAsync(new ReserveRequest("conn-k", a[0], VfDriver.Kernel));

        var netdev = Path.GetFileName(Assert.Single(Directory.GetDirectories(Path.Combine(sim.DevicesPath, kernel.VfAddress, "net"))));
        Assert.Equal((true, netdev), (kernel.DriverReady, kernel.NetInterface));
        Assert.Equal((false, null), (vfio.DriverReady, vfio.NetInterface));
        Assert.Equal((false, null), (plain.DriverReady, plain.NetInterface));

        // Bound by its PF grain (what the element does when the node says "not ready"), the group is ready on the next read.
        await _silos.Grains.GetGrain<IPhysicalFunctionGrain>(NodeKeys.For(NodeSilos.NodeName(0), vfio.PfAddress))
            .BindIommuGroupAsync(vfio.IommuGroup, VfDriver.VfioPci);
        var again = await Node.ReserveAsync(new ReserveRequest("conn-v", a[1], VfDriver.VfioPci, ReadDriverState: true));

        Assert.Equal((vfio.VfAddress, true, null), (again.VfAddress, again.DriverReady, again.NetInterface));
        Assert.Equal(vfio with { DriverReady = true }, again);
    }

    private static ResourceSummary Resource(NodeSnapshot snapshot, string name) => Assert.Single(snapshot.Resources, r => r.Name == name);

    private async Task<List<string>> TokensAsync(string resource) =>
        [.. (await Node.GetDevicesAsync(resource)).Devices.Select(d => d.Id)];

    // Records with list members compare lists by reference; the counts are what a restart must keep.
    private sealed class PhysicalFunctionCounts : IEqualityComparer<PhysicalFunctionSummary>
    {
        public static readonly PhysicalFunctionCounts Instance = new();

        public bool Equals(PhysicalFunctionSummary? x, PhysicalFunctionSummary? y) =>
            (x?.Address, x?.TotalVfs, x?.FreeVfs, x?.ReservedVfs) == (y?.Address, y?.TotalVfs, y?.FreeVfs, y?.ReservedVfs);

        public int GetHashCode(PhysicalFunctionSummary obj) => obj.Address.GetHashCode(StringComparison.Ordinal);
    }
}
