using SriovForwarder.Kernel.Pci;
using SriovForwarder.Kernel.Tests.Simulation;

namespace SriovForwarder.Kernel.Tests.Pci;

public sealed class FunctionQueryTests
{
    [Fact]
    public async Task GetIommuGroupMembers_TwoVfsPerGroup_ListsBothMembersByGroupAndByAddress()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 4, InitialVfs = 4, VfsPerIommuGroup = 2 }));
        var devices = TestNodes.Devices(node);
        var vf2 = devices.GetFunction("0000:01:01.2");

        Assert.Equal(["0000:01:01.2", "0000:01:01.3"], devices.GetIommuGroupMembers(vf2.IommuGroup));
        Assert.Equal(["0000:01:01.2", "0000:01:01.3"], devices.GetIommuGroupMembersOf("0000:01:01.3"));
        Assert.Equal(["0000:01:00.0"], devices.GetIommuGroupMembersOf("0000:01:00.0"));
    }

    [Fact]
    public async Task GetIommuGroupMembers_UnknownGroup_ThrowsNamingTheGroup()
    {
        await using var node = await TestNodes.CreateAsync();
        var devices = TestNodes.Devices(node);

        var error = Assert.Throws<PciException>(() => devices.GetIommuGroupMembers(999));

        Assert.StartsWith("IOMMU group 999 has no device under ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetIommuGroup_PfSharingItsGroup_ReportsTheSameGroupForPfAndVfs()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 2, InitialVfs = 2, PfSharesIommuGroup = true }));
        var devices = TestNodes.Devices(node);

        var pf = devices.GetFunction("0000:01:00.0");

        Assert.Equal(["0000:01:00.0", "0000:01:01.0", "0000:01:01.1"], devices.GetIommuGroupMembers(pf.IommuGroup));
    }

    [Fact]
    public async Task GetFunction_AfterTheTreeChanges_ReadsFreshState()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 1, InitialVfs = 1 }));
        var devices = TestNodes.Devices(node);
        Assert.Equal("iavf", devices.GetFunction("0000:01:01.0").Driver);

        await File.WriteAllTextAsync(Path.Combine(node.DriversPath, "iavf", "unbind"), "0000:01:01.0");
        await Eventually.TrueAsync(() => devices.GetFunction("0000:01:01.0").Driver is null, "unbind of 0000:01:01.0");

        var vf = devices.GetFunction("0000:01:01.0");
        Assert.Empty(vf.NetInterfaces);
        Assert.False(vf.IsPhysicalFunction);
    }

    [Fact]
    public async Task GetFunction_MissingFunction_ThrowsNamingIt()
    {
        await using var node = await TestNodes.CreateAsync();
        var devices = TestNodes.Devices(node);

        var error = Assert.Throws<PciException>(() => devices.GetFunction("0000:01:01.0"));

        Assert.StartsWith("PCI function doesn't exist: 0000:01:01.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetNetInterfaceName_OneNetdev_ReturnsIt()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 1, InitialVfs = 1 }));

        Assert.Equal($"sv{node.Tag}p0v0", TestNodes.Devices(node).GetNetInterfaceName("0000:01:01.0"));
    }

    [Fact]
    public async Task GetNetInterfaceName_NoneOrTwoNetdevs_ThrowsWithUpstreamMessages()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 2, InitialVfs = 2 }));
        var devices = TestNodes.Devices(node);
        Directory.Delete(Path.Combine(node.DevicesPath, "0000:01:01.0", "net"), recursive: true);
        Directory.CreateDirectory(Path.Combine(node.DevicesPath, "0000:01:01.1", "net", "second0"));

        var missing = Assert.Throws<PciException>(() => devices.GetNetInterfaceName("0000:01:01.0"));
        var two = Assert.Throws<PciException>(() => devices.GetNetInterfaceName("0000:01:01.1"));
        Directory.CreateDirectory(Path.Combine(node.DevicesPath, "0000:01:01.0", "net"));
        var none = Assert.Throws<PciException>(() => devices.GetNetInterfaceName("0000:01:01.0"));

        Assert.StartsWith("failed to read net directory for the device: 0000:01:01.0", missing.Message, StringComparison.Ordinal);
        Assert.StartsWith("found multiple interfaces for the device: 0000:01:01.1", two.Message, StringComparison.Ordinal);
        Assert.Equal("no interfaces found for the device: 0000:01:01.0", none.Message);
    }
}
