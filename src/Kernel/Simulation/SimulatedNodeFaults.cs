using System.Globalization;
using Microsoft.Win32.SafeHandles;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Simulation;

/// <summary>
/// Plays hardware faults on a SIMULATED node folder the way the kernel shows them, and undoes them, for a person or a
/// test watching the forwarder's health loop (issue 13): a PF's carrier (its veth peer set down in the node's private
/// namespace), its VFs removed (<c>sriov_numvfs</c> written 0), a VF's driver unbound, a VF's <c>/dev/vfio</c> group
/// node removed, a PF unplugged. Writes to <c>bind</c>/<c>unbind</c>/<c>sriov_numvfs</c> are what the forwarder's
/// simulated kernel reacts to, so the forwarder running the folder must be up. What an undo needs (the VF count, the
/// driver, the moved entries) is kept in <c>DIR/faults/</c>.
/// </summary>
public sealed class SimulatedNodeFaults
{
    /// <summary>The folder under the node's folder where faults keep what their undo needs.</summary>
    public const string FaultsFolderName = "faults";

    /// <summary>How long a fault waits for the simulated kernel (in the forwarder) to show it.</summary>
    public static readonly TimeSpan KernelWait = TimeSpan.FromSeconds(10);

    private readonly SimulatedSysfsTree _tree;
    private readonly SimulatedTopology _topology;
    private readonly string _tag;
    private readonly string _faults;

    private SimulatedNodeFaults(string root, SimulationState state)
    {
        _tree = new SimulatedSysfsTree(root);
        _topology = new SimulatedTopology(state.Spec, state.Tag);
        _tag = state.Tag;
        _faults = Path.Combine(root, FaultsFolderName);
    }

    /// <summary>Every fault, each with its undo, in the words of the <c>simulate-fault</c> verb.</summary>
    public static IReadOnlyList<(string Fault, string Undo, string Target, string What)> Catalogue { get; } =
    [
        ("pf-carrier-down", "pf-carrier-up", "PF", "the PF netdev loses carrier (its veth peer set down; needs root)"),
        ("remove-vfs", "restore-vfs", "PF", "sriov_numvfs written 0: every VF of the PF disappears"),
        ("unbind-vf", "bind-vf", "VF", "the VF's driver unbound (drivers/<driver>/unbind)"),
        ("remove-vfio-node", "restore-vfio-node", "VF", "the VF's /dev/vfio/<group> node removed (the VF must be on vfio-pci)"),
        ("unplug-pf", "replug-pf", "PF", "the PF's sys/bus/pci/devices entry removed (hot-unplug)"),
    ];

    /// <summary>The node in <paramref name="folder"/>; fails naming the folder when it holds no simulated node.</summary>
    public static SimulatedNodeFaults Open(string folder)
    {
        var root = Path.GetFullPath(folder);
        var state = SimulationState.Load(root)
            ?? throw new SimulatedFaultException($"{root} holds no simulated node ({SimulationState.FileName} is missing): start the forwarder with --simulate --simulate-dir {root}");
        return new SimulatedNodeFaults(root, state);
    }

    /// <summary>The PF addresses of the node, in spec order.</summary>
    public IReadOnlyList<string> PhysicalFunctions => [.. _topology.PhysicalFunctions.Select(f => f.Address.ToString())];

    /// <summary>Plays <paramref name="fault"/> (a name or an undo of <see cref="Catalogue"/>) on <paramref name="target"/>; returns what it did.</summary>
    public string Play(string fault, string target) => fault switch
    {
        "pf-carrier-down" => SetCarrier(Pf(target), up: false),
        "pf-carrier-up" => SetCarrier(Pf(target), up: true),
        "remove-vfs" => RemoveVfs(Pf(target)),
        "restore-vfs" => RestoreVfs(Pf(target)),
        "unbind-vf" => UnbindVf(Vf(target)),
        "bind-vf" => BindVf(Vf(target)),
        "remove-vfio-node" => RemoveVfioNode(Vf(target)),
        "restore-vfio-node" => RestoreVfioNode(Vf(target)),
        "unplug-pf" => UnplugPf(Pf(target)),
        "replug-pf" => ReplugPf(Pf(target)),
        _ => throw new SimulatedFaultException($"unknown fault '{fault}': one of {string.Join(", ", Catalogue.SelectMany(c => new[] { c.Fault, c.Undo }))}"),
    };

    private string SetCarrier(SimulatedFunction pf, bool up)
    {
        var peer = "p" + pf.NetdevName;
        var netns = SimulatedNetdevs.OwnerNamespace(_tag)
            ?? throw new SimulatedFaultException($"no running forwarder owns the simulated node {_tag} with real netdevs (namespace sriovsim-{_tag}-<pid>): carrier faults need the forwarder running as root");
        var (exit, _, error) = IpCommand.Run(["-n", netns, "link", "set", "dev", peer, up ? "up" : "down"]);
        if (exit != 0)
        {
            throw new SimulatedFaultException($"ip -n {netns} link set dev {peer} {(up ? "up" : "down")} failed: {error.Trim()}");
        }

        return up
            ? $"PF {pf.Address}: veth peer {peer} in {netns} up: {pf.NetdevName} has carrier again"
            : $"PF {pf.Address}: veth peer {peer} in {netns} down: {pf.NetdevName} lost carrier";
    }

    private string RemoveVfs(SimulatedFunction pf)
    {
        var count = _tree.ReadNumVfs(pf, out var raw);
        if (count <= 0)
        {
            throw new SimulatedFaultException($"PF {pf.Address} has no VFs to remove (sriov_numvfs is {raw})");
        }

        Remember($"numvfs-{pf.Address}", count.ToString(CultureInfo.InvariantCulture));
        _tree.WriteNumVfs(pf, 0);
        WaitFor(() => _tree.CountVirtfnLinks(pf) == 0, $"PF {pf.Address}'s {count} VFs to disappear");
        return $"PF {pf.Address}: sriov_numvfs {count} -> 0, its VFs are gone (restore-vfs {pf.Address} brings {count} back)";
    }

    private string RestoreVfs(SimulatedFunction pf)
    {
        var count = int.Parse(Recall($"numvfs-{pf.Address}", $"remove-vfs {pf.Address}"), CultureInfo.InvariantCulture);
        _tree.WriteNumVfs(pf, count);
        WaitFor(() => _tree.CountVirtfnLinks(pf) == count, $"PF {pf.Address}'s {count} VFs to come back");
        Forget($"numvfs-{pf.Address}");
        return $"PF {pf.Address}: sriov_numvfs 0 -> {count}, its VFs are back on their kernel driver";
    }

    private string UnbindVf(SimulatedFunction vf)
    {
        var driver = _tree.DriverOf(vf) ?? throw new SimulatedFaultException($"VF {vf.Address} has no driver bound: nothing to unbind");
        Remember($"driver-{vf.Address}", driver);
        WriteToKernel(Path.Combine(_tree.DriverDirectory(driver), "unbind"), vf.Address.ToString());
        WaitFor(() => _tree.DriverOf(vf) is null, $"VF {vf.Address} to leave {driver}");
        return $"VF {vf.Address}: unbound from {driver} (bind-vf {vf.Address} binds it again)";
    }

    private string BindVf(SimulatedFunction vf)
    {
        var driver = Recall($"driver-{vf.Address}", $"unbind-vf {vf.Address}");
        WriteToKernel(Path.Combine(_tree.DriverDirectory(driver), "bind"), vf.Address.ToString());
        WaitFor(() => _tree.DriverOf(vf) == driver, $"VF {vf.Address} to be bound to {driver}");
        Forget($"driver-{vf.Address}");
        return $"VF {vf.Address}: bound to {driver} again";
    }

    private string RemoveVfioNode(SimulatedFunction vf)
    {
        var node = _tree.VfioGroupNode(vf.IommuGroup);
        if (!File.Exists(node))
        {
            throw new SimulatedFaultException($"VF {vf.Address} has no VFIO group node {node} (is it bound to vfio-pci?)");
        }

        File.Move(node, KeptPath($"vfio-{vf.IommuGroup}"));
        return $"VF {vf.Address}: {node} removed (restore-vfio-node {vf.Address} puts it back)";
    }

    private string RestoreVfioNode(SimulatedFunction vf)
    {
        var kept = KeptPath($"vfio-{vf.IommuGroup}");
        if (!File.Exists(kept))
        {
            throw new SimulatedFaultException($"no removed VFIO node of VF {vf.Address} in {_faults}: run remove-vfio-node {vf.Address} first");
        }

        File.Move(kept, _tree.VfioGroupNode(vf.IommuGroup));
        return $"VF {vf.Address}: {_tree.VfioGroupNode(vf.IommuGroup)} is back";
    }

    private string UnplugPf(SimulatedFunction pf)
    {
        var entry = Path.Combine(_tree.DevicesPath, pf.Address.ToString());
        var target = new FileInfo(entry).LinkTarget
            ?? throw new SimulatedFaultException($"PF {pf.Address} is not in {_tree.DevicesPath} (unplugged already?)");
        // The entry is a relative link to the device's folder: its target is kept, so the undo makes the same link again.
        Remember($"unplugged-{pf.Address}", target);
        File.Delete(entry);
        return $"PF {pf.Address}: removed from {_tree.DevicesPath} (replug-pf {pf.Address} puts it back)";
    }

    private string ReplugPf(SimulatedFunction pf)
    {
        var target = Recall($"unplugged-{pf.Address}", $"unplug-pf {pf.Address}");
        File.CreateSymbolicLink(Path.Combine(_tree.DevicesPath, pf.Address.ToString()), target);
        Forget($"unplugged-{pf.Address}");
        return $"PF {pf.Address}: back in {_tree.DevicesPath}";
    }

    private SimulatedFunction Pf(string target) =>
        _topology.Find(target) is { IsPhysicalFunction: true } pf
            ? pf
            : throw new SimulatedFaultException($"'{target}' is not a PF of this node (PFs: {string.Join(", ", PhysicalFunctions)})");

    private SimulatedFunction Vf(string target) =>
        _topology.Find(target) is { IsPhysicalFunction: false } vf
            ? vf
            : throw new SimulatedFaultException($"'{target}' is not a VF address of this node (VFs of PF {PhysicalFunctions[0]} start at {SimulatedTopology.VfAddress(_topology.PhysicalFunctions[0].Address, 0)})");

    // bind/unbind are FIFOs read by the forwarder's simulated kernel: opened without blocking, so no reader is an error.
    private static void WriteToKernel(string path, string value)
    {
        var fd = LibC.Open(path, LibC.OWronly | LibC.ONonblock | LibC.OCloexec, 0);
        if (fd < 0)
        {
            throw new SimulatedFaultException($"cannot write {path}: no running forwarder's simulated kernel reads it (start the forwarder on this folder first)");
        }

        using var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, bufferSize: 0);
        stream.Write(System.Text.Encoding.ASCII.GetBytes(value));
    }

    private static void WaitFor(Func<bool> done, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!done())
        {
            if (waited.Elapsed > KernelWait)
            {
                throw new SimulatedFaultException($"waited {KernelWait.TotalSeconds} s for {what}: is the forwarder running on this folder?");
            }

            Thread.Sleep(20);
        }
    }

    private string KeptPath(string name)
    {
        Directory.CreateDirectory(_faults);
        return Path.Combine(_faults, name);
    }

    private void Remember(string name, string value) => File.WriteAllText(KeptPath(name), value);

    private string Recall(string name, string doFirst)
    {
        var path = Path.Combine(_faults, name);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : throw new SimulatedFaultException($"nothing to undo ({path} is missing): run {doFirst} first");
    }

    private void Forget(string name) => File.Delete(Path.Combine(_faults, name));
}
