using Microsoft.Extensions.Logging;
using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Kernel.Simulation;

/// <summary>Plays the kernel's part on the simulated tree: VF creation, driver bind and unbind, netdevs and VFIO group devices.</summary>
internal sealed class SimulatedKernel(
    SimulatedNodeSpec spec,
    SimulatedTopology topology,
    SimulatedSysfsTree tree,
    SimulatedNetdevs? netdevs,
    uint vfioGroupMajor,
    ILogger logger)
{
    /// <summary>A write of <paramref name="address"/> to <c>drivers/<paramref name="driver"/>/bind</c>.</summary>
    public void Bind(string driver, string address)
    {
        var function = topology.Find(address);
        if (function is null || !tree.Exists(function))
        {
            SimulationLog.Refused(logger, "bind", address, driver, "no such device (ENODEV)");
            return;
        }

        var current = tree.DriverOf(function);
        if (current is not null)
        {
            SimulationLog.Refused(logger, "bind", address, driver, $"already bound to {current} (EBUSY)");
            return;
        }

        var driverOverride = tree.OverrideOf(function);
        if (driverOverride is not null && driverOverride != driver)
        {
            SimulationLog.Refused(logger, "bind", address, driver, $"driver_override is {driverOverride} (ENODEV)");
            return;
        }

        var idsMatch = driver == function.KernelDriver || (driver == DriverBinding.VfioPci && spec.VfioPciAcceptsDeviceIds);
        if (driverOverride is null && !idsMatch)
        {
            SimulationLog.Refused(logger, "bind", address, driver, "the driver's id table does not match the device and driver_override is unset (ENODEV)");
            return;
        }

        Attach(function, driver);
    }

    /// <summary>A write of <paramref name="address"/> to <c>drivers/<paramref name="driver"/>/unbind</c>.</summary>
    public void Unbind(string driver, string address)
    {
        var function = topology.Find(address);
        var current = function is not null && tree.Exists(function) ? tree.DriverOf(function) : null;
        if (function is null || current != driver)
        {
            SimulationLog.Refused(logger, "unbind", address, driver, "the device is not bound to this driver (ENODEV)");
            return;
        }

        Detach(function, driver);
    }

    /// <summary>A close after a write of <c>sriov_numvfs</c>: create or remove VFs like the PF driver would.</summary>
    public void OnNumVfsWritten(SimulatedFunction pf)
    {
        var applied = tree.CountVirtfnLinks(pf);
        var requested = tree.ReadNumVfs(pf, out _);
        if (requested == applied)
        {
            return;
        }

        var total = spec.PhysicalFunctions[pf.PfIndex].TotalVfs;
        if (requested < 0 || requested > total || (requested > 0 && applied > 0))
        {
            // The kernel rejects the write (EINVAL / EBUSY) and the attribute keeps its value.
            SimulationLog.Refused(logger, "sriov_numvfs", pf.Address.ToString(), requested.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{applied} VFs enabled, {total} at most");
            tree.WriteNumVfs(pf, applied);
            return;
        }

        SimulationLog.NumVfsChanged(logger, pf.Address.ToString(), applied, requested);
        if (requested == 0)
        {
            DisableVfs(pf);
        }
        else
        {
            EnableVfs(pf, requested);
        }
    }

    /// <summary>Creates VFs; <c>sriov_numvfs</c> already holds the count (written by the caller, never rewritten here,
    /// so a writer's next value cannot be overwritten).</summary>
    public void EnableVfs(SimulatedFunction pf, int count)
    {
        var vfs = topology.VirtualFunctions[pf.PfIndex].Take(count).ToList();
        netdevs?.Ensure(vfs.Select(vf => (vf.NetdevName, true)));
        foreach (var vf in vfs)
        {
            tree.EnsureFunction(vf, spec.PhysicalFunctions[pf.PfIndex]);
            tree.SetDriver(vf, vf.KernelDriver);
            tree.AddNetdev(vf);
        }

        // virtfn links last: a reader that counts them sees only complete VFs.
        foreach (var vf in vfs)
        {
            tree.LinkVirtualFunction(pf, vf);
        }
    }

    public void DisableVfs(SimulatedFunction pf)
    {
        var vfs = topology.VirtualFunctions[pf.PfIndex].Where(tree.Exists).ToList();
        foreach (var vf in vfs)
        {
            if (tree.DriverOf(vf) is { } driver)
            {
                Detach(vf, driver, moveNetdev: false);
            }

            // The virtfn link goes last: a reader that sees it gone sees the VF gone.
            tree.RemoveFunction(vf);
            tree.UnlinkVirtualFunction(pf, vf);
        }

        netdevs?.Delete(vfs.Select(vf => vf.NetdevName).ToList());
    }

    /// <summary>Where each existing function's netdev belongs: the host when a kernel driver holds it.</summary>
    public IEnumerable<(string Name, bool InHost)> ExistingNetdevs() =>
        topology.All.Where(tree.Exists).Select(f => (f.NetdevName, IsKernelDriver(tree.DriverOf(f))));

    /// <summary>
    /// Finishes a bind or unbind that a killed process stopped half-way (after a restart on an existing tree). The real
    /// kernel completes each one before user space sees it; this kernel lives in the forwarder's process, so a SIGKILL
    /// can land between its steps, leaving, say, <c>driver</c> still linked to the VF driver but <c>net/</c> gone, and
    /// the forwarder would then find a kernel-bound VF without a netdev. A function's netdev entry follows its driver.
    /// </summary>
    public void FinishInterruptedBindings()
    {
        foreach (var function in topology.All.Where(tree.Exists))
        {
            var onKernelDriver = IsKernelDriver(tree.DriverOf(function));
            if (onKernelDriver && !tree.HasNetdev(function))
            {
                tree.AddNetdev(function);
                SimulationLog.Reacted(logger, function.Address.ToString(), "finished an interrupted bind to", tree.DriverOf(function)!);
            }
            else if (!onKernelDriver && tree.HasAnyNetdev(function))
            {
                tree.RemoveNetdevs(function);
                SimulationLog.Reacted(logger, function.Address.ToString(), "finished an interrupted unbind from", "its kernel driver");
            }
        }
    }

    /// <summary>Makes the VFIO group devices match the bindings (after a restart on an existing tree).</summary>
    public void EnsureVfioNodes()
    {
        foreach (var group in topology.All.Where(tree.Exists).GroupBy(f => f.IommuGroup))
        {
            if (group.Any(f => tree.DriverOf(f) == DriverBinding.VfioPci))
            {
                tree.EnsureVfioGroupNode(group.Key, vfioGroupMajor);
            }
            else
            {
                tree.RemoveVfioGroupNode(group.Key);
            }
        }
    }

    private static bool IsKernelDriver(string? driver) => driver is not null && driver != DriverBinding.VfioPci;

    private void Attach(SimulatedFunction function, string driver)
    {
        if (driver == DriverBinding.VfioPci)
        {
            tree.SetDriver(function, driver);
            tree.EnsureVfioGroupNode(function.IommuGroup, vfioGroupMajor);
        }
        else
        {
            // As with a real probe, the driver registers the netdev (net/<name> appears) before the kernel links
            // driver/: whoever sees the driver bound also sees its netdev.
            netdevs?.MoveToHost(function.NetdevName);
            tree.AddNetdev(function);
            tree.SetDriver(function, driver);
        }

        SimulationLog.Reacted(logger, function.Address.ToString(), "bound to", driver);
    }

    private void Detach(SimulatedFunction function, string driver, bool moveNetdev = true)
    {
        if (driver == DriverBinding.VfioPci)
        {
            tree.ClearDriver(function);
            var groupStillOnVfio = topology.All.Any(f =>
                f.IommuGroup == function.IommuGroup && tree.Exists(f) && tree.DriverOf(f) == DriverBinding.VfioPci);
            if (!groupStillOnVfio)
            {
                tree.RemoveVfioGroupNode(function.IommuGroup);
            }
        }
        else
        {
            if (moveNetdev)
            {
                netdevs?.MoveToPrivate(function.NetdevName);
            }

            tree.RemoveNetdevs(function);
            tree.ClearDriver(function);
        }

        SimulationLog.Reacted(logger, function.Address.ToString(), "unbound from", driver);
    }
}
