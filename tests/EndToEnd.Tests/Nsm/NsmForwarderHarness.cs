using System.Globalization;
using Grpc.Net.Client;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Kernel.Transport.FdPassing;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>Folders, ports and environment for running the real executable with <c>--simulate</c> against a <see cref="StandInNsmgr"/>.</summary>
public sealed class NsmForwarderHarness : IDisposable
{
    public const string NodeName = "nsm-node";
    public const string ForwarderName = "sriov-fwd-e2e";
    // A bound for failing, not an expectation: on a 2-core CI machine several test classes start forwarders at once (the
    // fleet and browser tests already allow 150 s for that), so 60 s left little room.
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly List<FakeDevicesCgroup> _cgroups = [];
    private readonly List<GrpcChannel> _channels = [];

    public NsmForwarderHarness()
    {
        Folder = Directory.CreateTempSubdirectory("sriov-nsm-e2e-").FullName;
        Directory.CreateDirectory(CgroupRoot);
        File.WriteAllText(Path.Combine(CgroupRoot, "devices.list"), "a *:* rwm\n");
    }

    public string Folder { get; }

    public string CgroupRoot => Path.Combine(Folder, "cgroup");

    public string ListenSocket => Path.Combine(Folder, "listen_on.io.sock");

    public string SimulateDir => Path.Combine(Folder, "node");

    /// <summary>The simulated node's tag (its netdevs are <c>sv{tag}p{pf}v{vf}</c>), from the node's state file.</summary>
    public string NodeTag => System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(SimulateDir, "simulation.json"))).RootElement.GetProperty("Tag").GetString()!;

    /// <summary>The Orleans gateway port of the last started process (a fresh one per start).</summary>
    public int GatewayPort { get; private set; }

    /// <summary>Creates a container cgroup <c>&lt;pod&gt;/&lt;container&gt;</c> that behaves like the kernel's (FIFOs for allow/deny) and records every write.</summary>
    public FakeDevicesCgroup AddContainerCgroup(string pod, string container)
    {
        var cgroup = new FakeDevicesCgroup(Path.Combine(CgroupRoot, pod, container), FakeDevicesCgroup.ContainerDefaults);
        _cgroups.Add(cgroup);
        return cgroup;
    }

    /// <summary>A channel to the forwarder's NSM socket (optionally passing descriptors), closed with the harness.</summary>
    public GrpcChannel OpenChannel(FdSendingQueue? sendQueue = null)
    {
        var channel = UnixSocketChannelFactory.Create(ListenSocket, TimeSpan.FromSeconds(5), sendQueue: sendQueue);
        _channels.Add(channel);
        return channel;
    }

    public ForwarderProcess Start(string connectTo, IReadOnlyDictionary<string, string>? extra = null, string simulate = "pfs=2,vfs=2")
    {
        GatewayPort = ForwarderProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["NSM_NAME"] = ForwarderName,
            ["NSM_LABELS"] = "p2p:true,zone:e2e",
            ["NSM_NODE_NAME"] = NodeName,
            ["NSM_DASHBOARD_LISTEN_ON"] = $"127.0.0.1:{ForwarderProcess.FreePort().ToString(CultureInfo.InvariantCulture)}",
            ["NSM_SILO_PORT"] = ForwarderProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["NSM_GATEWAY_PORT"] = GatewayPort.ToString(CultureInfo.InvariantCulture),
            ["NSM_DEVICE_PLUGIN_PATH"] = Path.Combine(Folder, "device-plugins"),
            ["NSM_POD_RESOURCES_PATH"] = Path.Combine(Folder, "pod-resources"),
            ["NSM_CONNECT_TO"] = connectTo,
            ["NSM_LISTEN_ON"] = $"unix://{ListenSocket}",
            ["NSM_CGROUP_PATH"] = CgroupRoot,
            ["NSM_DIAL_TIMEOUT"] = "2s",
            // The simulated kernel answers driver binds (vfio-pci for VFIO) from a thread of its own: 1 s (the default) is
            // short on a busy CI machine, where a late answer fails the Request (seen first with the ops fixture).
            ["NSM_DRIVER_BIND_TIMEOUT"] = "10s",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return ForwarderProcess.Start([$"--simulate={simulate}", "--simulate-dir", SimulateDir], environment);
    }

    public void Dispose()
    {
        _channels.ForEach(c => c.Dispose());
        foreach (var cgroup in _cgroups)
        {
            cgroup.Dispose();
        }

        KeptSimulatedNode.RemoveLeftovers(SimulateDir);
        Directory.Delete(Folder, recursive: true);
    }
}
