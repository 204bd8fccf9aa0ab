using System.Globalization;
using SriovForwarder.Kernel.Pci;
using SriovForwarder.Kernel.Tests.Simulation;

namespace SriovForwarder.Kernel.Tests.Pci;

public sealed class BindTests
{
    private const string Vf0 = "0000:01:01.0";

    [Fact]
    public async Task BindAsync_VfToVfioAndBack_GroupDeviceAppearsThenNetdevReturns()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 2, InitialVfs = 2 }));
        var devices = TestNodes.Devices(node);
        var group = devices.GetFunction(Vf0).IommuGroup;
        var groupNode = Path.Combine(node.VfioPath, group.ToString(CultureInfo.InvariantCulture));

        await devices.BindAsync([new DriverBinding(Vf0, "vfio-pci")]);

        var onVfio = devices.GetFunction(Vf0);
        Assert.Equal("vfio-pci", onVfio.Driver);
        Assert.Empty(onVfio.NetInterfaces);
        Assert.Equal("vfio-pci", (await File.ReadAllTextAsync(Path.Combine(node.DevicesPath, Vf0, "driver_override"))).Trim());
        if (Environment.UserName == "root")
        {
            Assert.Equal($"character special file {node.VfioGroupMajor:x} {group:x}", TestNodes.Stat(groupNode));
            Assert.Equal("character special file a c4", TestNodes.Stat(Path.Combine(node.VfioPath, "vfio")));
        }
        else
        {
            Assert.True(File.Exists(groupNode));
        }

        await devices.BindAsync([new DriverBinding(Vf0, "iavf")]);

        var back = devices.GetFunction(Vf0);
        Assert.Equal("iavf", back.Driver);
        Assert.Equal([$"sv{node.Tag}p0v0"], back.NetInterfaces);
        Assert.Equal(string.Empty, (await File.ReadAllTextAsync(Path.Combine(node.DevicesPath, Vf0, "driver_override"))).Trim());
        Assert.False(File.Exists(groupNode));
        Assert.Equal("iavf", devices.GetFunction("0000:01:01.1").Driver);
    }

    [Fact]
    public async Task BindAsync_ConcurrentCallersOnTwoPfs_EveryVfEndsOnItsDriver()
    {
        await using var node = await TestNodes.CreateAsync(new() { PhysicalFunctions = [new() { TotalVfs = 6, InitialVfs = 6 }, new() { TotalVfs = 6, InitialVfs = 6 }] });
        var devices = TestNodes.Devices(node);
        var vfs = Enumerable.Range(1, 2).SelectMany(bus => Enumerable.Range(0, 6).Select(f => $"0000:0{bus}:01.{f}")).ToList();

        await Task.WhenAll(vfs.Select(vf => Task.Run(() => devices.BindAsync([new DriverBinding(vf, "vfio-pci")]))));
        var onVfio = vfs.Select(vf => devices.GetFunction(vf).Driver).ToList();
        await Task.WhenAll(vfs.Select(vf => Task.Run(() => devices.BindAsync([new DriverBinding(vf, "iavf")]))));

        Assert.All(onVfio, driver => Assert.Equal("vfio-pci", driver));
        Assert.All(vfs, vf => Assert.Single(devices.GetFunction(vf).NetInterfaces));
        Assert.Equal(["vfio"], Directory.GetFileSystemEntries(node.VfioPath).Select(Path.GetFileName));
    }

    [Fact]
    public async Task BindAsync_AlreadyOnTheDriver_WritesNothing()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 1, InitialVfs = 1 }));
        var devices = TestNodes.Devices(node);
        var overridePath = Path.Combine(node.DevicesPath, Vf0, "driver_override");

        await devices.BindAsync([new DriverBinding(Vf0, "iavf")]);

        Assert.Equal("(null)", (await File.ReadAllTextAsync(overridePath)).Trim());
        Assert.Equal("iavf", devices.GetFunction(Vf0).Driver);
    }

    [Fact]
    public async Task BindAsync_KernelRefusesVfioWithoutOverride_TimesOutSayingWhatItSaw()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 1, InitialVfs = 1 }));
        var devices = TestNodes.Devices(node, o =>
        {
            o.UseDriverOverride = false;
            o.BindTimeout = TimeSpan.FromMilliseconds(300);
        });
        var group = devices.GetFunction(Vf0).IommuGroup;

        var error = await Assert.ThrowsAsync<PciException>(() => devices.BindAsync([new DriverBinding(Vf0, "vfio-pci")]));

        Assert.Equal(
            $"binding {Vf0} to vfio-pci timed out after 300ms: driver link is absent, {Path.Combine(node.VfioPath, group.ToString(CultureInfo.InvariantCulture))} does not exist",
            error.Message);
    }

    [Fact]
    public async Task BindAsync_VfioIdsRegisteredWithoutOverride_Binds()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 1, InitialVfs = 1 }, vfioIds: true));
        var devices = TestNodes.Devices(node, o => o.UseDriverOverride = false);

        await devices.BindAsync([new DriverBinding(Vf0, "vfio-pci")]);

        Assert.Equal("vfio-pci", devices.GetFunction(Vf0).Driver);
        Assert.Equal("(null)", (await File.ReadAllTextAsync(Path.Combine(node.DevicesPath, Vf0, "driver_override"))).Trim());
    }

    [Fact]
    public async Task BindAsync_GroupContainsThePf_RefusesBeforeWritingAnything()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 2, InitialVfs = 2, PfSharesIommuGroup = true }));
        var devices = TestNodes.Devices(node);
        var group = devices.GetFunction(Vf0).IommuGroup;

        var error = await Assert.ThrowsAsync<PciException>(() => devices.BindAsync(
            [new DriverBinding("0000:01:01.1", "vfio-pci"), new DriverBinding(Vf0, "vfio-pci")]));

        Assert.Equal($"refusing to rebind IOMMU group {group}: it contains physical function 0000:01:00.0", error.Message);
        Assert.Equal("iavf", devices.GetFunction("0000:01:01.1").Driver);
        Assert.Equal("(null)", (await File.ReadAllTextAsync(Path.Combine(node.DevicesPath, "0000:01:01.1", "driver_override"))).Trim());
    }

    [Fact]
    public async Task BindAsync_TargetIsAPf_Refuses()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 2 }));
        var devices = TestNodes.Devices(node);
        var group = devices.GetFunction("0000:01:00.0").IommuGroup;

        var error = await Assert.ThrowsAsync<PciException>(() => devices.BindAsync([new DriverBinding("0000:01:00.0", "vfio-pci")]));

        Assert.Equal($"refusing to rebind IOMMU group {group}: it contains physical function 0000:01:00.0", error.Message);
        Assert.Equal("ice", devices.GetFunction("0000:01:00.0").Driver);
    }

    [Fact]
    public async Task BindAsync_SharedGroup_GroupDeviceStaysUntilTheLastMemberLeavesVfio()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 2, InitialVfs = 2, VfsPerIommuGroup = 2 }));
        var devices = TestNodes.Devices(node);
        var groupNode = Path.Combine(node.VfioPath, devices.GetFunction(Vf0).IommuGroup.ToString(CultureInfo.InvariantCulture));

        await devices.BindAsync([new DriverBinding(Vf0, "vfio-pci"), new DriverBinding("0000:01:01.1", "vfio-pci")]);
        await devices.BindAsync([new DriverBinding(Vf0, "iavf")]);
        var existsWithOneMember = File.Exists(groupNode);
        await devices.BindAsync([new DriverBinding("0000:01:01.1", "iavf")]);

        Assert.True(existsWithOneMember);
        Assert.False(File.Exists(groupNode));
    }

    [Fact]
    public async Task BindAsync_DriverNotLoaded_ThrowsNamingDriverAndPath()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 1, InitialVfs = 1 }));
        var devices = TestNodes.Devices(node);

        var error = await Assert.ThrowsAsync<PciException>(() => devices.BindAsync([new DriverBinding(Vf0, "mlx5_core")]));

        Assert.Equal($"cannot bind {Vf0} to mlx5_core: the driver is not loaded ({Path.Combine(node.DriversPath, "mlx5_core")} not found)", error.Message);
    }

    [Fact]
    public async Task BindAsync_BadAddress_ThrowsBeforeAnyWrite()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 1, InitialVfs = 1 }));
        var devices = TestNodes.Devices(node);

        var error = await Assert.ThrowsAsync<PciException>(() => devices.BindAsync(
            [new DriverBinding(Vf0, "vfio-pci"), new DriverBinding("1:1.0", "vfio-pci")]));

        Assert.StartsWith("invalid PCI address \"1:1.0\"", error.Message, StringComparison.Ordinal);
        Assert.Equal("iavf", devices.GetFunction(Vf0).Driver);
    }

    [Fact]
    public async Task BindAsync_SameFunctionTwice_RefusesBeforeWriting()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 1, InitialVfs = 1 }));
        var devices = TestNodes.Devices(node);

        var error = await Assert.ThrowsAsync<PciException>(() => devices.BindAsync(
            [new DriverBinding(Vf0, "vfio-pci"), new DriverBinding(Vf0, "iavf")]));

        Assert.Equal($"cannot bind {Vf0}: it appears more than once in one binding request", error.Message);
        Assert.Equal("(null)", (await File.ReadAllTextAsync(Path.Combine(node.DevicesPath, Vf0, "driver_override"))).Trim());
    }

    [Fact]
    public async Task BindAsync_Cancelled_StopsWaiting()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 1, InitialVfs = 1 }));
        var devices = TestNodes.Devices(node, o =>
        {
            o.UseDriverOverride = false;
            o.BindTimeout = TimeSpan.FromMinutes(5);
        });
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => devices.BindAsync([new DriverBinding(Vf0, "vfio-pci")], cancellation.Token));
    }
}
