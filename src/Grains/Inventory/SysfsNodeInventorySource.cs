using Microsoft.Extensions.Logging;
using SriovForwarder.Grains.Configuration;
using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Grains.Inventory;

/// <summary>
/// Joins the SR-IOV config with sysfs: opens every configured PF (enabling its VFs when none are), takes the
/// VFs sysfs shows with their real VF numbers, and reports VFs the config lists that sysfs does not show
/// (upstream appended them, producing duplicates: bug #2). A configured PF missing from sysfs is kept without VFs (the
/// health pass reports it gone, decision 034) unless no configured PF exists at all. The result is read once and shared.
/// </summary>
public sealed partial class SysfsNodeInventorySource(
    SriovConfig config,
    IPciDevices pci,
    ILogger<SysfsNodeInventorySource> logger) : INodeInventorySource
{
    private readonly Lock _lock = new();
    private Task<NodeInventory>? _loading;

    /// <inheritdoc />
    public Task<NodeInventory> LoadAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_loading is null || _loading.IsFaulted || _loading.IsCanceled)
            {
                _loading = LoadOnceAsync(cancellationToken);
            }

            return _loading;
        }
    }

    private async Task<NodeInventory> LoadOnceAsync(CancellationToken cancellationToken)
    {
        var pfs = new List<InventoryPhysicalFunction>();
        var missing = new List<(string Address, string Reason)>();
        foreach (var pfConfig in config.PhysicalFunctions)
        {
            PhysicalFunctionInventory opened;
            try
            {
                opened = await pci.OpenPhysicalFunctionAsync(pfConfig.Address, cancellationToken);
            }
            catch (PciException ex) when (ex.DeviceMissing)
            {
                // Kept without VFs: the node serves the PFs that are there and the health pass reports this one gone.
                missing.Add((pfConfig.Address, ex.Message));
                pfs.Add(new InventoryPhysicalFunction(pfConfig.Address, pfConfig.PfKernelDriver, pfConfig.VfKernelDriver, pfConfig.ResourceNames, null, -1, []));
                continue;
            }
            catch (PciException ex)
            {
                throw new PciException($"failed to update PCI resources config with VFs: physical function {pfConfig.Address}: {ex.Message}", ex);
            }

            var discovered = opened.VirtualFunctions.Select(vf => vf.Address).ToHashSet(StringComparer.Ordinal);
            foreach (var listed in pfConfig.VirtualFunctions.Where(vf => !discovered.Contains(vf.Address)))
            {
                LogListedVfMissing(logger, listed.Address, pfConfig.Address);
            }

            var netdevs = opened.PhysicalFunction.NetInterfaces;
            pfs.Add(new InventoryPhysicalFunction(
                pfConfig.Address,
                pfConfig.PfKernelDriver,
                pfConfig.VfKernelDriver,
                pfConfig.ResourceNames,
                netdevs.Count == 1 ? netdevs[0] : null,
                opened.PhysicalFunction.NumaNode,
                opened.VirtualFunctions));
        }

        if (missing.Count > 0 && missing.Count == config.PhysicalFunctions.Count)
        {
            // Nothing to serve: most likely a wrong NSM_PCI_DEVICES_PATH or PF addresses of another node.
            throw new PciException($"failed to update PCI resources config with VFs: none of the configured physical functions exists: {string.Join("; ", missing.Select(m => m.Reason))}");
        }

        foreach (var (address, reason) in missing)
        {
            LogConfiguredPfMissing(logger, address, reason);
        }

        return new NodeInventory(pfs);
    }

    [LoggerMessage(EventId = 8301, Level = LogLevel.Warning,
        Message = "Physical function {PfAddress} of the SR-IOV config is not in sysfs ({Reason}); starting without it: it is reported unhealthy and offers no VFs until it is back and the forwarder restarts")]
    private static partial void LogConfiguredPfMissing(ILogger logger, string pfAddress, string reason);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning,
        Message = "VF {VfAddress} is listed under physical function {PfAddress} in the SR-IOV config but sysfs does not show it as one of its VFs; ignored")]
    private static partial void LogListedVfMissing(ILogger logger, string vfAddress, string pfAddress);
}
