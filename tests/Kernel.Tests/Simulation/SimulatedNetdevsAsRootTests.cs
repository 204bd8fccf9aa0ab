using System.Diagnostics;
using SriovForwarder.Kernel.Pci;
using SriovForwarder.Kernel.Simulation;

namespace SriovForwarder.Kernel.Tests.Simulation;

/// <summary>Real veths behind simulated netdevs; these need root.</summary>
[Trait("Requires", "root")]
public sealed class SimulatedNetdevsAsRootTests
{
    private static bool InHost(string name) => Directory.Exists(Path.Combine("/sys/class/net", name));

    private static bool InNamespace(string netns, string name) =>
        Run("ip", "-n", netns, "link", "show", "dev", name).ExitCode == 0;

    private static bool NamespaceExists(string netns) => File.Exists(Path.Combine("/run/netns", netns));

    private static (int ExitCode, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    [SimulationRootFact]
    public async Task BindAsync_AsRoot_VfioHidesTheRealNetdevAndTheKernelDriverBringsItBack()
    {
        await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 2 }), realNetdevs: true);
        var devices = TestNodes.Devices(node);
        var inventory = await devices.OpenPhysicalFunctionAsync("0000:01:00.0");
        var vfNetdev = inventory.VirtualFunctions[0].NetInterfaces.Single();
        var allInHost = InHost(inventory.PhysicalFunction.NetInterfaces.Single()) && inventory.VirtualFunctions.All(v => InHost(v.NetInterfaces.Single()));

        await devices.BindAsync([new DriverBinding("0000:01:01.0", "vfio-pci")]);
        var hiddenInHost = InHost(vfNetdev);
        var hiddenInPrivate = InNamespace(node.PrivateNamespace!, vfNetdev);
        await devices.BindAsync([new DriverBinding("0000:01:01.0", "iavf")]);

        Assert.True(node.HasRealNetdevs);
        Assert.True(allInHost);
        Assert.False(hiddenInHost);
        Assert.True(hiddenInPrivate);
        Assert.True(InHost(vfNetdev));
        Assert.Equal(vfNetdev, devices.GetNetInterfaceName("0000:01:01.0"));
    }

    [SimulationRootFact]
    public async Task DisposeAsync_AsRoot_RemovesTheNamespaceAndEveryVeth()
    {
        var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 2, InitialVfs = 2 }), realNetdevs: true);
        var netns = node.PrivateNamespace!;
        var names = new[] { $"sv{node.Tag}p0", $"sv{node.Tag}p0v0", $"sv{node.Tag}p0v1" };
        var existed = names.All(InHost) && NamespaceExists(netns);

        await node.DisposeAsync();

        Assert.True(existed);
        Assert.False(NamespaceExists(netns));
        await TestNodes.EventuallyAsync(() => !names.Any(InHost), "veths gone from the host");
    }

    [SimulationRootFact]
    public async Task CreateAsync_AsRoot_RemovesNamespacesOfDeadOwners()
    {
        var deadPid = Run("sh", "-c", "echo $$").Output.Trim();
        var stale = $"sriovsim-beef-{deadPid}";
        Run("ip", "netns", "add", stale);
        try
        {
            var createdStale = NamespaceExists(stale);

            await using var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 1 }), realNetdevs: true);

            Assert.True(createdStale);
            Assert.False(NamespaceExists(stale));
        }
        finally
        {
            Run("ip", "netns", "del", stale);
        }
    }

    [SimulationRootFact]
    public async Task CreateAsync_AsRootOnAnExistingFolder_RecreatesTheVethsWhereTheBindingsSay()
    {
        var folder = Path.Combine(Path.GetTempPath(), "sriov-sim-reuse-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var first = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 2, InitialVfs = 2 }), folder, realNetdevs: true))
            {
                await TestNodes.Devices(first).BindAsync([new DriverBinding("0000:01:01.1", "vfio-pci")]);
            }

            await using var second = await TestNodes.CreateAsync(null, folder, realNetdevs: true);

            Assert.True(InHost($"sv{second.Tag}p0v0"));
            Assert.False(InHost($"sv{second.Tag}p0v1"));
            Assert.True(InNamespace(second.PrivateNamespace!, $"sv{second.Tag}p0v1"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
