using Microsoft.Extensions.Options;
using SriovForwarder.Kernel.Health;
using SriovForwarder.Kernel.Simulation;
using SriovForwarder.Kernel.Tests.Simulation;

namespace SriovForwarder.Kernel.Tests.Health;

/// <summary>
/// The sysfs health probe on a simulated node, whose tree is laid out like the kernel's: <c>devices/&lt;addr&gt;</c> is a
/// link to the device's real folder and its <c>driver</c> and <c>virtfnN</c> links are relative to that folder.
/// </summary>
public sealed class SysfsFunctionHealthProbeTests
{
    [Fact]
    public async Task Probe_FreshNode_SeesEveryFunctionItsDriverAndItsVfLinks()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new SimulatedPhysicalFunctionSpec { TotalVfs = 2, InitialVfs = 2 }));
        var probe = new SysfsFunctionHealthProbe(Options.Create(node.CreatePciOptions()));
        var pf = node.PhysicalFunctionAddresses[0];

        var vf0 = probe.VirtualFunctionAddress(pf, 0);

        Assert.True(probe.DeviceExists(pf));
        Assert.Equal("ice", probe.DriverOf(pf));
        Assert.NotNull(vf0);
        Assert.True(probe.DeviceExists(vf0));
        Assert.Equal("iavf", probe.DriverOf(vf0));
        Assert.Null(probe.VirtualFunctionAddress(pf, 2));
    }

    [Fact]
    public async Task Probe_VfUnboundAndPfLinkRemoved_SeesNoDriverAndNoDevice()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new SimulatedPhysicalFunctionSpec { TotalVfs = 1, InitialVfs = 1 }));
        var probe = new SysfsFunctionHealthProbe(Options.Create(node.CreatePciOptions()));
        var pf = node.PhysicalFunctionAddresses[0];
        var vf = probe.VirtualFunctionAddress(pf, 0)!;

        await File.WriteAllTextAsync(Path.Combine(node.DriversPath, "iavf", "unbind"), vf);
        await Eventually.TrueAsync(() => probe.DriverOf(vf) is null, "the simulated kernel unbinds the VF");
        Directory.Move(Path.Combine(node.DevicesPath, pf), Path.Combine(node.DevicesPath, pf + ".unplugged"));

        Assert.False(probe.DeviceExists(pf));
        Assert.False(probe.VfioGroupNodeExists(12345));
    }
}
