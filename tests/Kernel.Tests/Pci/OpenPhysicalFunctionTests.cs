using SriovForwarder.Kernel.Pci;
using SriovForwarder.Kernel.Simulation;
using SriovForwarder.Kernel.Tests.Simulation;

namespace SriovForwarder.Kernel.Tests.Pci;

public sealed class OpenPhysicalFunctionTests
{
    [Fact]
    public async Task OpenPhysicalFunction_NoVfsEnabled_EnablesTotalVfsAndListsThem()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 4, NumaNode = 1 }));
        var devices = TestNodes.Devices(node);
        var pf = node.PhysicalFunctionAddresses[0];

        var inventory = await devices.OpenPhysicalFunctionAsync(pf);

        Assert.True(inventory.CreatedVfs);
        Assert.Equal((4, 4), (inventory.TotalVfs, inventory.EnabledVfs));
        Assert.Equal("4", (await File.ReadAllTextAsync(Path.Combine(node.DevicesPath, pf, "sriov_numvfs"))).Trim());
        Assert.Equal("ice", inventory.PhysicalFunction.Driver);
        Assert.Equal(1, inventory.PhysicalFunction.NumaNode);
        Assert.True(inventory.PhysicalFunction.IsPhysicalFunction);
        Assert.Equal([$"sv{node.Tag}p0"], inventory.PhysicalFunction.NetInterfaces);
        Assert.Equal([0, 1, 2, 3], inventory.VirtualFunctions.Select(v => v.VfNumber));
        Assert.Equal(["0000:01:01.0", "0000:01:01.1", "0000:01:01.2", "0000:01:01.3"], inventory.VirtualFunctions.Select(v => v.Address));
        Assert.All(inventory.VirtualFunctions, vf => Assert.Equal("iavf", vf.Driver));
        Assert.All(inventory.VirtualFunctions, vf => Assert.Equal(1, vf.NumaNode));
        Assert.Equal([$"sv{node.Tag}p0v2"], inventory.VirtualFunctions[2].NetInterfaces);
        Assert.Equal(5, inventory.VirtualFunctions.Select(v => v.IommuGroup).Append(inventory.PhysicalFunction.IommuGroup).Distinct().Count());
    }

    [Fact]
    public async Task OpenPhysicalFunction_SixteenVfs_NumbersVfsByVirtfnIndexNotByName()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 16 }));
        var devices = TestNodes.Devices(node);
        var pf = node.PhysicalFunctionAddresses[0];

        var inventory = await devices.OpenPhysicalFunctionAsync(pf);

        Assert.Equal(Enumerable.Range(0, 16), inventory.VirtualFunctions.Select(v => v.VfNumber));
        foreach (var vf in inventory.VirtualFunctions)
        {
            // The link of the PF itself is the ground truth: virtfnN must point to the VF reported with number N.
            var target = TestNodes.RealPath(Path.Combine(node.DevicesPath, pf, $"virtfn{vf.VfNumber}"));
            Assert.Equal(vf.Address, Path.GetFileName(target));
        }

        Assert.Equal("0000:01:02.2", inventory.VirtualFunctions[10].Address);
    }

    [Fact]
    public async Task OpenPhysicalFunction_VfsAlreadyEnabled_LeavesSriovNumvfsUntouched()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 8, InitialVfs = 3 }));
        var devices = TestNodes.Devices(node);
        var pf = node.PhysicalFunctionAddresses[0];
        var numvfs = Path.Combine(node.DevicesPath, pf, "sriov_numvfs");
        var writtenAt = File.GetLastWriteTimeUtc(numvfs);

        var inventory = await devices.OpenPhysicalFunctionAsync(pf);

        Assert.False(inventory.CreatedVfs);
        Assert.Equal(3, inventory.EnabledVfs);
        Assert.Equal(3, inventory.VirtualFunctions.Count);
        Assert.Equal("3", (await File.ReadAllTextAsync(numvfs)).Trim());
        Assert.Equal(writtenAt, File.GetLastWriteTimeUtc(numvfs));
    }

    [Fact]
    public async Task OpenPhysicalFunction_KernelRefusesTheVfCount_ThrowsAfterTheCreationTimeout()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 4 }));
        var devices = TestNodes.Devices(node, o => o.VfCreationTimeout = TimeSpan.FromMilliseconds(200));
        var pf = node.PhysicalFunctionAddresses[0];
        await File.WriteAllTextAsync(Path.Combine(node.DevicesPath, pf, "sriov_totalvfs"), "300\n");

        var error = await Assert.ThrowsAsync<PciException>(() => devices.OpenPhysicalFunctionAsync(pf));

        Assert.Equal($"failed to create VFs for the PCI device {pf}: 0 of 300 virtfn links after 200ms", error.Message);
    }

    [Fact]
    public async Task OpenPhysicalFunction_MissingPf_ThrowsNamingTheAddress()
    {
        await using var node = await TestNodes.CreateAsync();
        var devices = TestNodes.Devices(node);

        var error = await Assert.ThrowsAsync<PciException>(() => devices.OpenPhysicalFunctionAsync("0000:09:00.0"));

        Assert.StartsWith("PCI device doesn't exist: 0000:09:00.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenPhysicalFunction_DeviceWithoutSriov_ThrowsNotSriovCapable()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 2, InitialVfs = 2 }));
        var devices = TestNodes.Devices(node);

        var error = await Assert.ThrowsAsync<PciException>(() => devices.OpenPhysicalFunctionAsync("0000:01:01.0"));

        Assert.StartsWith("PCI device is not SR-IOV capable: 0000:01:01.0", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("01:00.0")]
    [InlineData("0000:01:00.O")]
    public async Task OpenPhysicalFunction_BadAddress_ThrowsInvalidAddress(string address)
    {
        await using var node = await TestNodes.CreateAsync();
        var devices = TestNodes.Devices(node);

        var error = await Assert.ThrowsAsync<PciException>(() => devices.OpenPhysicalFunctionAsync(address));

        Assert.StartsWith($"invalid PCI address \"{address}\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenPhysicalFunction_VirtfnEntryIsNotALink_ThrowsInsteadOfTruncating()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 4, InitialVfs = 4 }));
        var devices = TestNodes.Devices(node);
        var pf = node.PhysicalFunctionAddresses[0];
        var virtfn1 = Path.Combine(node.DevicesPath, pf, "virtfn1");
        File.Delete(virtfn1);
        await File.WriteAllTextAsync(virtfn1, "not a link");

        var error = await Assert.ThrowsAsync<PciException>(() => devices.OpenPhysicalFunctionAsync(pf));

        Assert.Equal($"invalid virtual function entry of PF {pf}: {virtfn1} is not a symbolic link", error.Message);
    }

    [Fact]
    public async Task OpenPhysicalFunction_VfWithoutIommuGroup_ThrowsAskingWhetherIommuIsOn()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 2, InitialVfs = 2 }));
        var devices = TestNodes.Devices(node);
        File.Delete(Path.Combine(node.DevicesPath, "0000:01:01.1", "iommu_group"));

        var error = await Assert.ThrowsAsync<PciException>(() => devices.OpenPhysicalFunctionAsync(node.PhysicalFunctionAddresses[0]));

        Assert.StartsWith("0000:01:01.1 has no IOMMU group", error.Message, StringComparison.Ordinal);
        Assert.Contains("is the IOMMU enabled?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenPhysicalFunction_DefaultSpec_OpensBothPfsWithEightVfsEach()
    {
        await using var node = await TestNodes.CreateAsync(SimulatedNodeSpec.Default);
        var devices = TestNodes.Devices(node);

        var inventories = new List<PhysicalFunctionInventory>();
        foreach (var pf in node.PhysicalFunctionAddresses)
        {
            inventories.Add(await devices.OpenPhysicalFunctionAsync(pf));
        }

        Assert.Equal(["0000:01:00.0", "0000:02:00.0"], inventories.Select(i => i.Address));
        Assert.All(inventories, i => Assert.Equal(8, i.VirtualFunctions.Count));
        var groups = inventories.SelectMany(i => i.VirtualFunctions.Select(v => v.IommuGroup).Append(i.PhysicalFunction.IommuGroup)).ToList();
        Assert.Equal(groups.Count, groups.Distinct().Count());
    }
}
