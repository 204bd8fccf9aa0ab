using Microsoft.Extensions.Logging;
using SriovForwarder.Grains.Configuration;
using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Grains.Inventory;

/// <summary>
/// Joins the SR-IOV config with sysfs: opens every configured PF (enabling its VFs when none are), takes the
/// VFs sysfs shows with their real VF numbers, and reports VFs the config lists that sysfs does not show
/// (upstream appended them, producing duplicates: bug #2). The result is read once and shared.
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
        foreach (var pfConfig in config.PhysicalFunctions)
        {
            PhysicalFunctionInventory opened;
            try
            {
                opened = await pci.OpenPhysicalFunctionAsync(pfConfig.Address, cancellationToken);
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

        return new NodeInventory(pfs);
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning,
        Message = "VF {VfAddress} is listed under physical function {PfAddress} in the SR-IOV config but sysfs does not show it as one of its VFs; ignored")]
    private static partial void LogListedVfMissing(ILogger logger, string vfAddress, string pfAddress);
}
