using Microsoft.Extensions.Logging;
using Orleans.Placement;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Grains.Inventory;
using SriovForwarder.Grains.Placement;
using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Grains;

/// <summary>
/// One PF of the node (key <c>{node}/{pfAddress}</c>): binds IOMMU groups of its VFs to the VF kernel
/// driver or vfio-pci, one bind at a time per PF, so that different PFs bind in parallel while the node
/// grain stays free to decide.
/// </summary>
[NodeBoundPlacement, Immovable]
public sealed partial class PhysicalFunctionGrain(
    INodeInventorySource inventorySource,
    IPciDevices pci,
    TimeProvider time,
    ILogger<PhysicalFunctionGrain> logger) : Grain, IPhysicalFunctionGrain
{
    private InventoryPhysicalFunction _pf = null!;
    private NodeInventory _inventory = null!;

    private string PfAddress => NodeKeys.NameOf(this.GetPrimaryKeyString());

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _inventory = await inventorySource.LoadAsync(cancellationToken);
        _pf = _inventory.Find(PfAddress)
            ?? throw new PciException($"physical function {PfAddress} is not in this node's SR-IOV config");
    }

    /// <inheritdoc />
    public async Task BindIommuGroupAsync(int iommuGroup, VfDriver driver)
    {
        if (driver == VfDriver.NoDriver)
        {
            throw new ArgumentOutOfRangeException(nameof(driver), driver, "a group is bound to the VF kernel driver or to vfio-pci");
        }

        var member = _pf.VirtualFunctions.FirstOrDefault(vf => vf.IommuGroup == iommuGroup)
            ?? throw new PciException($"IOMMU group {iommuGroup} holds no VF of physical function {PfAddress}");

        // The group's members through one of its VFs' iommu_group link: GetIommuGroupMembers(int) looks for the group
        // by reading the link of every PCI device of the host, hundreds on a server (decision 049).
        var bindings = pci.GetIommuGroupMembersOf(member.Address)
            .Select(address => new DriverBinding(address, DriverFor(address, driver)))
            .ToList();
        var started = time.GetTimestamp();
        await pci.BindAsync(bindings);
        LogGroupBound(logger, iommuGroup, PfAddress, bindings.Count, driver, time.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <inheritdoc />
    public Task<string?> GetVfNetInterfaceAsync(string vfAddress)
    {
        var names = pci.GetFunction(vfAddress).NetInterfaces;
        return Task.FromResult(names.Count == 1 ? names[0] : null);
    }

    /// <inheritdoc />
    public Task<PhysicalFunctionSnapshot> GetSnapshotAsync() => Task.FromResult(HardwareView.Read(pci, _pf, time.GetUtcNow()));

    // A VF returns to the kernel driver its own PF's config names; a device the config does not know is never touched.
    private string DriverFor(string address, VfDriver driver)
    {
        var owner = _inventory.PhysicalFunctions.FirstOrDefault(pf => pf.VirtualFunctions.Any(vf => vf.Address == address));
        if (owner is null)
        {
            var isPf = _inventory.Find(address) is not null;
            throw new PciException(isPf
                ? $"refusing to rebind the IOMMU group of {address}: it contains physical function {address}"
                : $"refusing to rebind the IOMMU group: it contains {address}, which is not a VF of a configured physical function");
        }

        return driver == VfDriver.VfioPci ? DriverBinding.VfioPci : owner.VfKernelDriver;
    }

    [LoggerMessage(EventId = 2021, Level = LogLevel.Information,
        Message = "Bound IOMMU group {IommuGroup} of PF {PfAddress} ({Functions} functions) to {Driver} in {ElapsedMs:F1} ms")]
    private static partial void LogGroupBound(ILogger logger, int iommuGroup, string pfAddress, int functions, VfDriver driver, double elapsedMs);
}
