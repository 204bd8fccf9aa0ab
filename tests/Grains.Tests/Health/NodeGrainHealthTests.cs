using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Tests.Health;

/// <summary>
/// The node grain's device health on a simulated node with two PFs of two VFs, both offering two resources: link reports
/// and sysfs faults (made for real in the simulated tree) turn the affected tokens Unhealthy in every resource of the PF,
/// fence the VFs off, refuse Requests naming the reason, show in the snapshot, and undo when the cause is gone.
/// </summary>
public sealed class NodeGrainHealthTests : IAsyncLifetime
{
    private const string DomainA = "service.domain.1/intel";
    private const string DomainB = "service.domain.2/intel";
    private NodeSilos _silos = null!;

    private INodeGrain Node => _silos.Grains.GetGrain<INodeGrain>(NodeSilos.NodeName(0));

    private string Pf0 => _silos.Node(0).PhysicalFunctionAddresses[0];

    private string Pf0Netdev => _silos.Node(0).PhysicalFunctionNetdevs[0];

    public async Task InitializeAsync() =>
        _silos = await NodeSilos.StartAsync(1, "pfs=2,vfs=2,capabilities=intel,domains=service.domain.1+service.domain.2");

    public async Task DisposeAsync() => await _silos.DisposeAsync();

    [Fact]
    public async Task ReportLinks_PfWithoutCarrier_ItsTokensOfEveryResourceAreUnhealthyUntilCarrierIsBack()
    {
        Assert.Contains(Pf0Netdev, await Node.GetPhysicalFunctionNetdevsAsync());

        await Node.ReportLinksAsync([new LinkReport(Pf0Netdev, $"netdev {Pf0Netdev} has no carrier (operstate lowerlayerdown)")]);

        Assert.Equal(2, await UnhealthyCountAsync(DomainA));
        Assert.Equal(2, await UnhealthyCountAsync(DomainB));
        var pf = Assert.Single(await Node.GetHealthAsync());
        Assert.Equal((Pf0, true), (pf.Address, pf.IsPhysicalFunction));
        Assert.Contains("no carrier", pf.Reason, StringComparison.Ordinal);
        var snapshot = await Node.GetSnapshotAsync();
        Assert.Equal(0, snapshot.PhysicalFunctions.Single(p => p.Address == Pf0).FreeVfs);
        Assert.Equal(2, snapshot.Resources.Single(r => r.Name == DomainA).Unhealthy);

        await Node.ReportLinksAsync([new LinkReport(Pf0Netdev, null)]);

        Assert.Equal(0, await UnhealthyCountAsync(DomainA));
        Assert.Equal(0, await UnhealthyCountAsync(DomainB));
        Assert.Empty(await Node.GetHealthAsync());
        Assert.Equal(2, (await Node.GetSnapshotAsync()).PhysicalFunctions.Single(p => p.Address == Pf0).FreeVfs);
    }

    [Fact]
    public async Task Reserve_TokenWhoseVfIsUnhealthy_IsRefusedNamingTheReasonAndHealthyTokensGetAVfOfTheOtherPf()
    {
        await Node.ReportLinksAsync([new LinkReport(Pf0Netdev, $"netdev {Pf0Netdev} has no carrier (operstate lowerlayerdown)")]);
        var devices = (await Node.GetDevicesAsync(DomainA)).Devices;

        var refused = await Assert.ThrowsAsync<VfAllocationException>(() =>
            Node.ReserveAsync(new ReserveRequest("conn-1", devices.First(d => !d.Healthy).Id, VfDriver.Kernel)));
        var reservation = await Node.ReserveAsync(new ReserveRequest("conn-2", devices.First(d => d.Healthy).Id, VfDriver.Kernel));

        Assert.Equal(VfAllocationFailure.Unhealthy, refused.Reason);
        Assert.Contains($"{Pf0}: netdev {Pf0Netdev} has no carrier", refused.Message, StringComparison.Ordinal);
        Assert.NotEqual(Pf0, reservation.PfAddress);
        Assert.DoesNotContain((await Node.GetSnapshotAsync()).Reservations, r => r.ConnectionId == "conn-1");
    }

    [Fact]
    public async Task CheckHealth_VfsRemovedThroughSriovNumvfs_TheirTokensAreUnhealthyUntilTheVfsAreBack()
    {
        var numVfs = Path.Combine(_silos.Node(0).DevicesPath, Pf0, "sriov_numvfs");
        Assert.Empty(await Node.CheckHealthAsync());

        await File.WriteAllTextAsync(numVfs, "0");
        // While the simulated kernel removes them, a pass may see a VF without its driver (a fault that waits for a second pass).
        var unhealthy = await Eventually.ValueAsync(
            Node.CheckHealthAsync, list => list.Count == 2 && list.All(vf => vf.Reason.Contains("is gone", StringComparison.Ordinal)), TimeSpan.FromSeconds(10));

        Assert.All(unhealthy, vf => Assert.Contains("is gone (sriov_numvfs lowered", vf.Reason, StringComparison.Ordinal));
        Assert.Equal(2, await UnhealthyCountAsync(DomainB));

        await File.WriteAllTextAsync(numVfs, "2");
        await Eventually.ValueAsync(Node.CheckHealthAsync, list => list.Count == 0, TimeSpan.FromSeconds(10));
        Assert.Equal(0, await UnhealthyCountAsync(DomainB));
    }

    [Fact]
    public async Task CheckHealth_DriverUnbound_CountsOnTheSecondPassThatStillSeesIt()
    {
        var vf = (await Node.GetSnapshotAsync()).Hardware!.Single(p => p.Address == Pf0).VirtualFunctions[0];
        var unbind = Path.Combine(_silos.Node(0).DriversPath, vf.Driver!, "unbind");

        await File.WriteAllTextAsync(unbind, vf.Address);
        await Eventually.TrueAsync(() => new FileInfo(Path.Combine(_silos.Node(0).DevicesPath, vf.Address, "driver")).LinkTarget is null, "the simulated kernel unbinds the VF");
        var first = await Node.CheckHealthAsync();
        var second = await Node.CheckHealthAsync();

        Assert.Empty(first);
        var fault = Assert.Single(second);
        Assert.Equal(vf.Address, fault.Address);
        Assert.Contains("has no driver bound", fault.Reason, StringComparison.Ordinal);
        Assert.Equal(1, await UnhealthyCountAsync(DomainA));
    }

    [Fact]
    public async Task CheckHealth_PfUnplugged_EveryVfOfItIsUnusableAtOnce()
    {
        var link = Path.Combine(_silos.Node(0).DevicesPath, Pf0);
        // Active first: a node grain cannot activate on a node whose configured PF is missing (start-up refuses that).
        Assert.Empty(await Node.CheckHealthAsync());

        Directory.Move(link, link + ".unplugged");
        try
        {
            var fault = Assert.Single(await Node.CheckHealthAsync());

            Assert.Equal((Pf0, true), (fault.Address, fault.IsPhysicalFunction));
            Assert.Contains("is gone (unplugged", fault.Reason, StringComparison.Ordinal);
            Assert.Equal(2, await UnhealthyCountAsync(DomainA));
            Assert.Equal(2, (await Node.GetSnapshotAsync()).UnusableVfs?.Count);
        }
        finally
        {
            Directory.Move(link + ".unplugged", link);
        }

        Assert.Empty(await Node.CheckHealthAsync());
    }

    private async Task<int> UnhealthyCountAsync(string resource) =>
        (await Node.GetDevicesAsync(resource)).Devices.Count(d => !d.Healthy);
}
