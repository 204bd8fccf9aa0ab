using System.Globalization;
using SriovForwarder.EndToEnd.Tests.Nsm;
using SriovForwarder.Kernel.Simulation;

namespace SriovForwarder.EndToEnd.Tests;

/// <summary>
/// Decision 034 through the real executable: a configured PF that is not in sysfs at start does not stop the forwarder;
/// it starts, serves the PFs that are there, and reports the missing one unhealthy with the reason (no configured PF at
/// all is still refused: <see cref="StartupRefusalTests"/>). The hardware is a simulated node's tree served by its
/// simulated kernel in this process, with one PF's device entry moved away before the start, as an unplugged PF leaves it.
/// </summary>
public sealed class ConfiguredPfMissingTests : IDisposable
{
    private const string Node = "missing-pf-node";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _folder = Directory.CreateTempSubdirectory("sriov-missing-pf-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task OneOfTwoConfiguredPfsMissingFromSysfs_StartsServingTheOtherAndReportsTheMissingOneUnhealthyWithTheReason()
    {
        await using var node = await SimulatedSriovNode.CreateAsync(null, SimulatedNodeSpec.Parse("pfs=2,vfs=2"), new SimulatedNodeOptions { RealNetdevs = false });
        var present = node.PhysicalFunctionAddresses[0];
        var missing = node.PhysicalFunctionAddresses[1];
        File.Delete(Path.Combine(node.DevicesPath, missing)); // the bus/pci/devices link, as an unplug removes it
        var gatewayPort = ForwarderProcess.FreePort();
        await using var forwarder = ForwarderProcess.Start([], new Dictionary<string, string>
        {
            ["NSM_NODE_NAME"] = Node,
            ["NSM_SRIOV_CONFIG_FILE"] = node.ConfigFilePath,
            ["NSM_PCI_DEVICES_PATH"] = node.DevicesPath,
            ["NSM_PCI_DRIVERS_PATH"] = node.DriversPath,
            ["NSM_VFIO_PATH"] = node.VfioPath,
            ["NSM_STATE_PATH"] = Path.Combine(_folder, "state"),
            ["NSM_CGROUP_PATH"] = Directory.CreateDirectory(Path.Combine(_folder, "cgroup")).FullName,
            ["NSM_HEALTH_RECONCILE_INTERVAL"] = "300ms",
            ["NSM_SILO_PORT"] = ForwarderProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["NSM_GATEWAY_PORT"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["NSM_DEVICE_PLUGIN_PATH"] = Path.Combine(_folder, "device-plugins"),
            ["NSM_POD_RESOURCES_PATH"] = Path.Combine(_folder, "pod-resources"),
            ["NSM_CONNECT_TO"] = $"unix://{Path.Combine(_folder, "nsm.io.sock")}",
            ["NSM_LISTEN_ON"] = $"unix://{Path.Combine(_folder, "listen.io.sock")}",
        });

        // A start on a CI machine shared with other test classes' forwarders: the start timeout every other test allows, not 30 s.
        var warning = await forwarder.WaitForLineAsync($"Physical function {missing} of the SR-IOV config is not in sysfs", NsmForwarderHarness.StartTimeout);
        await forwarder.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
        await using var client = await NodeClient.ConnectAsync(gatewayPort, Node);
        var health = await Eventually.ValueAsync(client.Node.GetHealthAsync, h => h.Any(f => f.Address == missing), Patience);
        var snapshot = await client.Node.GetSnapshotAsync();

        Assert.Contains("doesn't exist", warning, StringComparison.Ordinal);
        var reported = Assert.Single(health);
        Assert.Equal((missing, true), (reported.Address, reported.IsPhysicalFunction));
        Assert.Contains($"PF device {missing} is gone", reported.Reason, StringComparison.Ordinal);
        // The present PF's two VFs are offered under each of its resource names; the missing PF's VFs were never seen.
        Assert.NotEmpty(snapshot.Resources);
        Assert.All(snapshot.Resources, r => Assert.Equal((2, 2), (r.Tokens, r.Free)));
        Assert.Contains(snapshot.PhysicalFunctions, p => p.Address == present && p.TotalVfs == 2);
        Assert.False(forwarder.HasExited);
    }
}
