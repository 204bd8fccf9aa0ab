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

    [RootFact("creates network namespaces and veth pairs for the simulated netdevs")]
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

    [RootFact("creates network namespaces and veth pairs for the simulated netdevs")]
    public async Task DisposeAsync_AsRoot_RemovesTheNamespaceAndEveryVeth()
    {
        var node = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 2, InitialVfs = 2 }), realNetdevs: true);
        var netns = node.PrivateNamespace!;
        var names = new[] { $"sv{node.Tag}p0", $"sv{node.Tag}p0v0", $"sv{node.Tag}p0v1" };
        var existed = names.All(InHost) && NamespaceExists(netns);

        await node.DisposeAsync();

        Assert.True(existed);
        Assert.False(NamespaceExists(netns));
        await Eventually.TrueAsync(() => !names.Any(InHost), "veths gone from the host");
    }

    [RootFact("creates network namespaces and veth pairs for the simulated netdevs")]
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

    [RootFact("creates network namespaces and veth pairs for the simulated netdevs")]
    public async Task CreateAsync_AsRootOnAnExistingFolder_RecreatesTheVethsWhereTheBindingsSay()
    {
        var folder = NewFolder();
        string? tag = null;
        try
        {
            await using (var first = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 2, InitialVfs = 2 }), folder, realNetdevs: true))
            {
                tag = first.Tag;
                await TestNodes.Devices(first).BindAsync([new DriverBinding("0000:01:01.1", "vfio-pci")]);
            }

            Run("ip", "netns", "del", KeptNamespace(tag));
            // The kernel tears a deleted namespace down later, on a work queue, and with it the host end of each veth
            // pair: wait for that, or the old pair's teardown could remove the veth the second start makes.
            await Eventually.TrueAsync(() => !InHost($"sv{tag}p0v0"), "the deleted namespace's veth pairs to be gone");
            await using var second = await TestNodes.CreateAsync(null, folder, realNetdevs: true);

            Assert.True(InHost($"sv{second.Tag}p0v0"));
            Assert.False(InHost($"sv{second.Tag}p0v1"));
            Assert.True(InNamespace(second.PrivateNamespace!, $"sv{second.Tag}p0v1"));
        }
        finally
        {
            RemoveKeptNode(folder, tag);
        }
    }

    [RootFact("creates network namespaces and veth pairs for the simulated netdevs")]
    public async Task DisposeAsync_AsRootOfAKeptNodeWithANetdevInAClientNamespace_TheNextStartKeepsItThereWithoutADuplicate()
    {
        var folder = NewFolder();
        var client = $"simclient{Environment.ProcessId % 100000}";
        string? tag = null;
        Run("ip", "netns", "add", client);
        try
        {
            string vf;
            await using (var first = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 2, InitialVfs = 2 }), folder, realNetdevs: true))
            {
                tag = first.Tag;
                vf = $"sv{tag}p0v0";
                Run("ip", "link", "set", "dev", vf, "netns", client);
            }

            var keptAfterStop = InNamespace(client, vf) && InHost($"sv{tag}p0v1") && NamespaceExists(KeptNamespace(tag));
            await using var second = await TestNodes.CreateAsync(null, folder, realNetdevs: true);

            Assert.True(keptAfterStop);
            Assert.True(InNamespace(client, vf));
            Assert.False(InHost(vf));
            Assert.True(InHost($"sv{tag}p0v1"));
        }
        finally
        {
            Run("ip", "netns", "del", client);
            RemoveKeptNode(folder, tag);
        }
    }

    [RootFact("creates network namespaces and veth pairs for the simulated netdevs")]
    public async Task CreateAsync_AsRootOnAKeptNodeOfADeadProcess_AdoptsItsNamespaceAndVeths()
    {
        var folder = NewFolder();
        string? tag = null;
        try
        {
            await using (var first = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 2, InitialVfs = 2 }), folder, realNetdevs: true))
            {
                tag = first.Tag;
                await TestNodes.Devices(first).BindAsync([new DriverBinding("0000:01:01.1", "vfio-pci")]);
            }

            var dead = $"sriovsim-{tag}-{DeadPid()}";
            RenameNamespace(KeptNamespace(tag), dead);
            var peerIndex = LinkIndex(dead, $"psv{tag}p0v0");

            await using var second = await TestNodes.CreateAsync(null, folder, realNetdevs: true);

            Assert.Equal(KeptNamespace(tag), second.PrivateNamespace);
            Assert.False(NamespaceExists(dead));
            Assert.Equal(peerIndex, LinkIndex(second.PrivateNamespace!, $"psv{tag}p0v0"));
            Assert.True(InNamespace(second.PrivateNamespace!, $"sv{tag}p0v1"));
        }
        finally
        {
            RemoveKeptNode(folder, tag);
        }
    }

    [RootFact("creates network namespaces and veth pairs for the simulated netdevs")]
    public async Task CreateAsync_AsRootOnANodeRunByALiveProcess_FailsNamingTheProcess()
    {
        var folder = NewFolder();
        string? tag = null;
        try
        {
            await using (var first = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 1 }), folder, realNetdevs: true))
            {
                tag = first.Tag;
            }

            RenameNamespace(KeptNamespace(tag), $"sriovsim-{tag}-1");

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestNodes.CreateAsync(null, folder, realNetdevs: true));

            Assert.Contains($"the simulated node {tag} is in use by process 1", error.Message, StringComparison.Ordinal);
            Assert.True(NamespaceExists($"sriovsim-{tag}-1"));
        }
        finally
        {
            Run("ip", "netns", "del", $"sriovsim-{tag}-1");
            RemoveKeptNode(folder, tag);
        }
    }

    [RootFact("creates network namespaces and veth pairs for the simulated netdevs")]
    public async Task CreateAsync_AsRoot_RemovesKeptNamespacesOfDeadProcessesWhoseFolderIsGone()
    {
        var folder = NewFolder();
        string tag;
        await using (var kept = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 1, InitialVfs = 1 }), folder, realNetdevs: true))
        {
            tag = kept.Tag;
        }

        var dead = $"sriovsim-{tag}-{DeadPid()}";
        RenameNamespace(KeptNamespace(tag), dead);
        var keptWhileFolderExists = false;
        try
        {
            await using (await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 1 }), realNetdevs: true))
            {
                keptWhileFolderExists = NamespaceExists(dead);
            }

            Directory.Delete(folder, recursive: true);
            await using var other = await TestNodes.CreateAsync(TestNodes.OnePf(new() { TotalVfs = 1 }), realNetdevs: true);

            Assert.True(keptWhileFolderExists);
            Assert.False(NamespaceExists(dead));
            await Eventually.TrueAsync(() => !InHost($"sv{tag}p0v0"), "the removed node's veths gone from the host");
        }
        finally
        {
            Run("ip", "netns", "del", dead);
            RemoveKeptNode(folder, tag);
        }
    }

    private static string NewFolder() => Path.Combine(Path.GetTempPath(), "sriov-sim-reuse-" + Guid.NewGuid().ToString("N"));

    private static string KeptNamespace(string? tag) => $"sriovsim-{tag}-{Environment.ProcessId}";

    private static string DeadPid() => Run("sh", "-c", "echo $$").Output.Trim();

    private static int LinkIndex(string netns, string name) =>
        int.Parse(Run("ip", "-n", netns, "-o", "link", "show", "dev", name).Output.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture);

    // What `ip netns` would do for a rename: bind the namespace file at the new name, drop the old one.
    private static void RenameNamespace(string from, string to)
    {
        File.Create(Path.Combine("/run/netns", to)).Dispose();
        Run("mount", "--bind", Path.Combine("/run/netns", from), Path.Combine("/run/netns", to));
        Run("umount", "-l", Path.Combine("/run/netns", from));
        File.Delete(Path.Combine("/run/netns", from));
    }

    // A kept node outlives its SimulatedSriovNode on purpose; the test removes its namespace, veths and folder.
    private static void RemoveKeptNode(string folder, string? tag)
    {
        if (tag is not null)
        {
            Run("ip", "netns", "del", KeptNamespace(tag));
            foreach (var link in Directory.GetDirectories("/sys/class/net").Select(Path.GetFileName).Where(n => n!.StartsWith("sv" + tag, StringComparison.Ordinal)))
            {
                Run("ip", "link", "del", "dev", link!);
            }
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
