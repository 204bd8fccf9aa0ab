using SriovForwarder.Kernel.Pci;
using SriovForwarder.Kernel.Simulation;

namespace SriovForwarder.Kernel.Tests.Simulation;

public sealed class SimulatedSriovNodeTests
{
    [Fact]
    public async Task CreateAsync_DefaultSpec_BuildsASysfsTreeShapedLikeTheKernels()
    {
        await using var node = await TestNodes.CreateAsync();
        var pf = Path.Combine(node.DevicesPath, "0000:01:00.0");

        Assert.Equal(Path.Combine("..", "..", "..", "devices", "pci0000:00", "0000:01:00.0"), new FileInfo(pf).LinkTarget);
        Assert.Equal("8", (await File.ReadAllTextAsync(Path.Combine(pf, "sriov_totalvfs"))).Trim());
        Assert.Equal("0", (await File.ReadAllTextAsync(Path.Combine(pf, "sriov_numvfs"))).Trim());
        Assert.Equal("0x8086", (await File.ReadAllTextAsync(Path.Combine(pf, "vendor"))).Trim());
        Assert.Equal("(null)", (await File.ReadAllTextAsync(Path.Combine(pf, "driver_override"))).Trim());
        Assert.Equal(TestNodes.RealPath(Path.Combine(node.DriversPath, "ice")), TestNodes.RealPath(Path.Combine(pf, "driver")));
        var group = TestNodes.RealPath(Path.Combine(pf, "iommu_group"));
        Assert.Equal(TestNodes.RealPath(node.IommuGroupsPath), Path.GetDirectoryName(group));
        Assert.True(File.Exists(Path.Combine(group, "devices", "0000:01:00.0", "sriov_totalvfs")));
        Assert.True(Directory.Exists(Path.Combine(pf, "net", $"sv{node.Tag}p0")));
        Assert.Equal("fifo", TestNodes.Stat(Path.Combine(node.DriversPath, "vfio-pci", "bind")).Split(' ')[0]);
        Assert.Empty(Directory.GetFileSystemEntries(pf, "virtfn*"));
    }

    [Fact]
    public async Task CreateAsync_Always_WritesTheSriovConfigOfItsPfs()
    {
        await using var node = await TestNodes.CreateAsync();

        var yaml = await File.ReadAllTextAsync(node.ConfigFilePath);

        Assert.Contains("physicalFunctions:\n  \"0000:01:00.0\":\n    pfKernelDriver: \"ice\"\n    vfKernelDriver: \"iavf\"\n    capabilities: [\"intel\", \"10G\"]\n    serviceDomains: [\"service.domain.1\"]\n", yaml, StringComparison.Ordinal);
        Assert.Contains("  \"0000:02:00.0\":\n", yaml, StringComparison.Ordinal);
        Assert.Contains("serviceDomains: [\"service.domain.1\", \"service.domain.2\"]", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SriovNumvfs_PlainFileWrites_CreateThenRemoveVfs()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 12 }));
        var pf = Path.Combine(node.DevicesPath, "0000:01:00.0");

        await File.WriteAllTextAsync(Path.Combine(pf, "sriov_numvfs"), "12");
        await Eventually.TrueAsync(() => Directory.GetFileSystemEntries(pf, "virtfn*").Length == 12, "12 virtfn links");
        var vf11 = Path.Combine(pf, "virtfn11");
        var vf11Directory = TestNodes.RealPath(vf11);
        var physfn = TestNodes.RealPath(Path.Combine(vf11Directory, "physfn"));

        await File.WriteAllTextAsync(Path.Combine(pf, "sriov_numvfs"), "0");
        await Eventually.TrueAsync(() => Directory.GetFileSystemEntries(pf, "virtfn*").Length == 0, "VFs removed");

        Assert.Equal("0000:01:02.3", Path.GetFileName(vf11Directory));
        Assert.Equal(TestNodes.RealPath(pf), physfn);
        Assert.False(Directory.Exists(vf11Directory));
        Assert.False(File.Exists(Path.Combine(node.DevicesPath, "0000:01:02.3")));
    }

    [Fact]
    public async Task SriovNumvfs_MoreThanTotal_IsRefusedAndKeepsItsValue()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 4, InitialVfs = 2 }));
        var numvfs = Path.Combine(node.DevicesPath, "0000:01:00.0", "sriov_numvfs");

        await File.WriteAllTextAsync(numvfs, "9");

        await Eventually.TrueAsync(() => File.ReadAllText(numvfs).Trim() == "2", "sriov_numvfs restored to 2");
        Assert.Equal(2, Directory.GetFileSystemEntries(Path.Combine(node.DevicesPath, "0000:01:00.0"), "virtfn*").Length);
    }

    [Fact]
    public async Task DriverFiles_WrittenByAnotherProcess_UnbindAndBindTheVf()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 1, InitialVfs = 1 }));
        var devices = TestNodes.Devices(node);
        var vf = Path.Combine(node.DevicesPath, "0000:01:01.0");

        TestNodes.Shell($"printf 0000:01:01.0 > '{vf}/driver/unbind'");
        await Eventually.TrueAsync(() => devices.GetFunction("0000:01:01.0").Driver is null, "unbind by another process");
        var netAfterUnbind = Directory.Exists(Path.Combine(vf, "net"));
        TestNodes.Shell($"echo 0000:01:01.0 > '{node.DriversPath}/iavf/bind'");
        await Eventually.TrueAsync(() => devices.GetFunction("0000:01:01.0").Driver == "iavf", "bind by another process");

        Assert.False(netAfterUnbind);
        Assert.Equal([$"sv{node.Tag}p0v0"], devices.GetFunction("0000:01:01.0").NetInterfaces);
    }

    [Fact]
    public async Task Bind_DriverOverrideNamesAnotherDriver_IsRefusedByTheKernel()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 1, InitialVfs = 1 }));
        var devices = TestNodes.Devices(node, o =>
        {
            o.UseDriverOverride = false;
            o.BindTimeout = TimeSpan.FromMilliseconds(200);
        });
        await File.WriteAllTextAsync(Path.Combine(node.DevicesPath, "0000:01:01.0", "driver_override"), "vfio-pci");
        await File.WriteAllTextAsync(Path.Combine(node.DriversPath, "iavf", "unbind"), "0000:01:01.0");
        await Eventually.TrueAsync(() => devices.GetFunction("0000:01:01.0").Driver is null, "unbind");

        var error = await Assert.ThrowsAsync<PciException>(() => devices.BindAsync([new DriverBinding("0000:01:01.0", "iavf")]));

        Assert.Equal("binding 0000:01:01.0 to iavf timed out after 200ms: driver link is absent, net/ has no interface", error.Message);
    }

    [Fact]
    public async Task CreateAsync_ExistingFolder_ReusesEnabledVfsAndBindings()
    {
        var folder = Path.Combine(Path.GetTempPath(), "sriov-sim-reuse-" + Guid.NewGuid().ToString("N"));
        try
        {
            string tag;
            await using (var first = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 3 }), folder))
            {
                var devices = TestNodes.Devices(first);
                await devices.OpenPhysicalFunctionAsync("0000:01:00.0");
                await devices.BindAsync([new DriverBinding("0000:01:01.1", "vfio-pci")]);
                tag = first.Tag;
            }

            Assert.True(Directory.Exists(folder));
            await using var second = await TestNodes.CreateAsync(SimulatedNodeSpec.Default, folder);
            var again = TestNodes.Devices(second);
            var inventory = await again.OpenPhysicalFunctionAsync("0000:01:00.0");

            Assert.True(second.Reused);
            Assert.Equal(tag, second.Tag);
            Assert.Single(second.PhysicalFunctionAddresses);
            Assert.False(inventory.CreatedVfs);
            Assert.Equal(["iavf", "vfio-pci", "iavf"], inventory.VirtualFunctions.Select(v => v.Driver));
            Assert.True(File.Exists(Path.Combine(second.VfioPath, inventory.VirtualFunctions[1].IommuGroup.ToString(System.Globalization.CultureInfo.InvariantCulture))));

            await again.BindAsync([new DriverBinding("0000:01:01.1", "iavf")]);
            Assert.Single(again.GetFunction("0000:01:01.1").NetInterfaces);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task CreateAsync_KilledHalfWayThroughABindOrUnbind_FinishesItSoNetdevsFollowTheDriver()
    {
        var folder = Path.Combine(Path.GetTempPath(), "sriov-sim-interrupted-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var first = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 2 }), folder))
            {
                var devices = TestNodes.Devices(first);
                await devices.OpenPhysicalFunctionAsync("0000:01:00.0");
                await devices.BindAsync([new DriverBinding("0000:01:01.1", "vfio-pci")]);

                // What a SIGKILL leaves inside the kernel's own steps: 01:01.0's unbind removed net/ but not yet driver/;
                // 01:01.1's bind back to iavf registered its netdev but never linked the driver.
                Directory.Delete(Path.Combine(first.DevicesPath, "0000:01:01.0", "net"), recursive: true);
                Directory.CreateDirectory(Path.Combine(first.DevicesPath, "0000:01:01.1", "net", $"sv{first.Tag}p0v1"));
            }

            await using var second = await TestNodes.CreateAsync(SimulatedNodeSpec.Default, folder);
            var again = TestNodes.Devices(second);
            await again.OpenPhysicalFunctionAsync("0000:01:00.0");

            Assert.Equal([$"sv{second.Tag}p0v0"], again.GetFunction("0000:01:01.0").NetInterfaces);
            Assert.Empty(again.GetFunction("0000:01:01.1").NetInterfaces);
            await again.BindAsync([new DriverBinding("0000:01:01.1", "iavf")]);
            Assert.Single(again.GetFunction("0000:01:01.1").NetInterfaces);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task DisposeAsync_TemporaryFolder_RemovesIt()
    {
        var node = await TestNodes.CreateAsync();
        var root = node.Root;
        var existed = Directory.Exists(root);

        await node.DisposeAsync();

        Assert.True(existed);
        Assert.False(Directory.Exists(root));
    }
}
