using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SriovForwarder.Kernel.Pci;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Simulation;

/// <summary>
/// A SIMULATED SR-IOV node: a realistic sysfs and /dev/vfio tree in a folder, a simulated kernel that reacts to
/// writes of <c>sriov_numvfs</c>, <c>bind</c> and <c>unbind</c>, and (as root) real veths behind the netdevs.
/// </summary>
public sealed class SimulatedSriovNode : IAsyncDisposable
{
    private readonly SimulatedSysfsTree _tree;
    private readonly SimulatedNetdevs? _netdevs;
    private readonly SimulatedKernelLoop _loop;
    private readonly bool _ownsRoot;
    private readonly ILogger _logger;
    private int _disposed;

    private SimulatedSriovNode(
        SimulatedSysfsTree tree,
        SimulationState state,
        SimulatedTopology topology,
        SimulatedNetdevs? netdevs,
        SimulatedKernelLoop loop,
        string configFilePath,
        bool ownsRoot,
        bool reused,
        ILogger logger)
    {
        _tree = tree;
        _netdevs = netdevs;
        _loop = loop;
        _ownsRoot = ownsRoot;
        _logger = logger;
        Tag = state.Tag;
        Spec = state.Spec;
        ConfigFilePath = configFilePath;
        Reused = reused;
        PhysicalFunctionAddresses = topology.PhysicalFunctions.Select(f => f.Address.ToString()).ToList();
        PhysicalFunctionNetdevs = topology.PhysicalFunctions.Select(f => f.NetdevName).ToList();
    }

    /// <summary>The folder holding the simulated <c>sys/</c> and <c>dev/</c> trees.</summary>
    public string Root => _tree.Root;

    /// <summary>Simulated <c>/sys/bus/pci/devices</c>.</summary>
    public string DevicesPath => _tree.DevicesPath;

    /// <summary>Simulated <c>/sys/bus/pci/drivers</c>.</summary>
    public string DriversPath => _tree.DriversPath;

    /// <summary>Simulated <c>/dev/vfio</c>.</summary>
    public string VfioPath => _tree.VfioPath;

    /// <summary>Simulated <c>/sys/kernel/iommu_groups</c>.</summary>
    public string IommuGroupsPath => _tree.IommuGroupsPath;

    /// <summary>The SR-IOV config YAML (upstream format) describing the PFs.</summary>
    public string ConfigFilePath { get; }

    /// <summary>Four hex digits naming this node's netdevs (<c>sv{Tag}p{pf}v{vf}</c>) and its private namespace.</summary>
    public string Tag { get; }

    /// <summary>The spec the node was built from (the stored one when an existing folder was reused).</summary>
    public SimulatedNodeSpec Spec { get; }

    /// <summary>True when <see cref="CreateAsync"/> found an existing node in the folder and kept its state.</summary>
    public bool Reused { get; }

    /// <summary>True when netdevs are backed by real veths.</summary>
    public bool HasRealNetdevs => _netdevs is not null;

    /// <summary>The private network namespace holding veth peers and unbound VF netdevs, or null without real netdevs.</summary>
    public string? PrivateNamespace => _netdevs?.Namespace;

    /// <summary>Major number of the VFIO group devices this node creates (the container device is 10:196).</summary>
    public uint VfioGroupMajor => VfioMajorFor(Tag);

    /// <summary>The PF addresses, in spec order.</summary>
    public IReadOnlyList<string> PhysicalFunctionAddresses { get; }

    /// <summary>The PF netdev names (host ends of veths, up with carrier when real netdevs back the node), in spec order.</summary>
    public IReadOnlyList<string> PhysicalFunctionNetdevs { get; }

    /// <summary>PCI options pointing at this node's trees.</summary>
    public PciOptions CreatePciOptions() => ApplyTo(new PciOptions());

    /// <summary>Points the hardware paths of <paramref name="options"/> at this node, keeping its timing settings.</summary>
    public PciOptions ApplyTo(PciOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.DevicesPath = DevicesPath;
        options.DriversPath = DriversPath;
        options.VfioPath = VfioPath;
        return options;
    }

    /// <summary>
    /// Builds a node in <paramref name="rootFolder"/> (a new temporary folder when null, removed on dispose), or reuses
    /// the node already there, keeping its enabled VFs and driver bindings and recreating missing veths.
    /// </summary>
    public static Task<SimulatedSriovNode> CreateAsync(
        string? rootFolder,
        SimulatedNodeSpec? spec = null,
        SimulatedNodeOptions? options = null,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new SimulatedNodeOptions();
        var logger = (ILogger?)loggerFactory?.CreateLogger<SimulatedSriovNode>() ?? NullLogger.Instance;
        var ownsRoot = rootFolder is null;
        var root = Path.GetFullPath(rootFolder ?? Path.Combine(Path.GetTempPath(), "sriov-sim-" + RandomNumberGenerator.GetHexString(8, lowercase: true)));
        var state = SimulationState.Load(root);
        var reused = state is not null;
        if (state is null)
        {
            spec ??= SimulatedNodeSpec.Default;
            spec.Validate();
            state = new SimulationState(1, NewTag(options), spec);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Task.Run(() => Build(root, state, reused, ownsRoot, options, logger), cancellationToken);
    }

    /// <summary>
    /// Stops the simulated kernel; a temporary node's folder, veths and namespace are removed, a kept node's veths
    /// and namespace stay (like hardware across a forwarder restart) for the next process on the folder to adopt.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _loop.Dispose();
            _netdevs?.Remove(Tag);
            if (_ownsRoot && Directory.Exists(Root))
            {
                Directory.Delete(Root, recursive: true);
            }

            SimulationLog.NodeRemoved(_logger, Tag, Root, _ownsRoot);
        }

        return ValueTask.CompletedTask;
    }

    private static SimulatedSriovNode Build(
        string root, SimulationState state, bool reused, bool ownsRoot, SimulatedNodeOptions options, ILogger logger)
    {
        var tree = new SimulatedSysfsTree(root);
        var topology = new SimulatedTopology(state.Spec, state.Tag);
        var netdevs = StartNetdevs(state.Tag, ownsRoot ? null : root, options, logger);
        try
        {
            tree.EnsureBase();
            var drivers = state.Spec.PhysicalFunctions.SelectMany(p => new[] { p.PfDriver, p.VfDriver })
                .Append(DriverBinding.VfioPci).Distinct(StringComparer.Ordinal).ToList();
            drivers.ForEach(tree.EnsureDriver);
            tree.EnsureVfioContainer();
            var kernel = new SimulatedKernel(state.Spec, topology, tree, netdevs, VfioMajorFor(state.Tag), logger);
            foreach (var pf in topology.PhysicalFunctions)
            {
                var pfSpec = state.Spec.PhysicalFunctions[pf.PfIndex];
                if (tree.EnsureFunction(pf, pfSpec))
                {
                    tree.SetDriver(pf, pf.KernelDriver);
                    tree.AddNetdev(pf);
                    if (pfSpec.InitialVfs > 0)
                    {
                        tree.WriteNumVfs(pf, pfSpec.InitialVfs);
                        kernel.EnableVfs(pf, pfSpec.InitialVfs);
                    }
                }
                else
                {
                    // A write made while no simulation was running is applied now.
                    kernel.OnNumVfsWritten(pf);
                }
            }

            kernel.FinishInterruptedBindings();
            kernel.EnsureVfioNodes();
            netdevs?.Ensure(kernel.ExistingNetdevs());
            netdevs?.BringUp(topology.PhysicalFunctions.Select(pf => pf.NetdevName).ToList());
            var configPath = Path.Combine(root, options.ConfigFileName);
            SriovConfigWriter.Write(configPath, state.Spec);
            state.Save(root);
            if (tree.DeviceNodeFallbackReason is { } reason)
            {
                SimulationLog.NoDeviceNodes(logger, reason);
            }

            var loop = new SimulatedKernelLoop(kernel, tree, drivers, topology.PhysicalFunctions, logger);
            loop.Start();
            SimulationLog.NodeReady(logger, state.Tag, reused ? "reused" : "built", root, topology.PhysicalFunctions.Count, netdevs is not null);
            return new SimulatedSriovNode(tree, state, topology, netdevs, loop, configPath, ownsRoot, reused, logger);
        }
        catch
        {
            netdevs?.Remove(state.Tag);
            if (ownsRoot && Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }

            throw;
        }
    }

    private static SimulatedNetdevs? StartNetdevs(string tag, string? keptRoot, SimulatedNodeOptions options, ILogger logger)
    {
        if (options.RealNetdevs == false)
        {
            return null;
        }

        string reason;
        if (LibC.GetEuid() != 0)
        {
            reason = "not running as root";
        }
        else
        {
            // Two processes on one node would fight over its netdevs: a hard error, never a fallback.
            SimulatedNetdevs.EnsureNotInUse(tag, options.OwnerExitWait);
            try
            {
                SimulatedNetdevs.RemoveStale(logger, tag);
                var netdevs = new SimulatedNetdevs(tag, keptRoot, logger);
                netdevs.Start();
                return netdevs;
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                reason = e.Message;
            }
        }

        if (options.RealNetdevs == true)
        {
            throw new InvalidOperationException($"the simulated node needs real netdevs but cannot create them: {reason}");
        }

        SimulationLog.NoRealNetdevs(logger, reason);
        return null;
    }

    private static string NewTag(SimulatedNodeOptions options)
    {
        var checkHost = options.RealNetdevs != false && LibC.GetEuid() == 0;
        for (var attempt = 0; ; attempt++)
        {
            var tag = RandomNumberGenerator.GetHexString(4, lowercase: true);
            if (!checkHost || attempt >= 16 || !SimulatedNetdevs.TagInUse(tag))
            {
                return tag;
            }
        }
    }

    private static uint VfioMajorFor(string tag) =>
        240 + (uint)(int.Parse(tag, NumberStyles.HexNumber, CultureInfo.InvariantCulture) % 10);
}
