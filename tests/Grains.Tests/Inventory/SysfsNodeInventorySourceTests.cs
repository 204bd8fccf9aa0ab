using Microsoft.Extensions.Logging.Abstractions;
using SriovForwarder.Grains.Configuration;
using SriovForwarder.Grains.Inventory;
using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Grains.Tests.Inventory;

/// <summary>Decision 034: a configured PF missing from sysfs is kept without VFs; none present, or any other sysfs error, is refused.</summary>
public sealed class SysfsNodeInventorySourceTests
{
    private const string Present = "0000:01:00.0";
    private const string Missing = "0000:02:00.0";

    [Fact]
    public async Task LoadAsync_OneConfiguredPfMissing_KeepsItWithoutVfsBesideThePresentOne()
    {
        var source = Source(new OnePfPresent(), Present, Missing);

        var inventory = await source.LoadAsync();

        Assert.Equal([Present, Missing], inventory.PhysicalFunctions.Select(pf => pf.Address));
        Assert.Equal(2, inventory.Find(Present)!.VirtualFunctions.Count);
        var kept = inventory.Find(Missing)!;
        Assert.Equal((0, (string?)null, -1, "ice"), (kept.VirtualFunctions.Count, kept.NetInterface, kept.NumaNode, kept.PfKernelDriver));
        Assert.Equal(["d/10G"], kept.ResourceNames);
    }

    [Fact]
    public async Task LoadAsync_NoConfiguredPfPresent_IsRefusedNamingEveryMissingPf()
    {
        var source = Source(new OnePfPresent(), Missing, "0000:03:00.0");

        var error = await Assert.ThrowsAsync<PciException>(() => source.LoadAsync());

        Assert.Contains("none of the configured physical functions exists", error.Message, StringComparison.Ordinal);
        Assert.Contains(Missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("0000:03:00.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_APresentPfThatCannotBeOpened_IsStillRefused()
    {
        var source = Source(new OnePfPresent { PresentFails = true }, Present, Missing);

        var error = await Assert.ThrowsAsync<PciException>(() => source.LoadAsync());

        Assert.Contains($"physical function {Present}: PCI device is not SR-IOV capable", error.Message, StringComparison.Ordinal);
    }

    private static SysfsNodeInventorySource Source(IPciDevices pci, params string[] pfs) =>
        new(new SriovConfig([.. pfs.Select(a => new PhysicalFunctionConfig(a, "ice", "iavf", ["10G"], ["d"], []))]), pci, NullLogger<SysfsNodeInventorySource>.Instance);

    // Sysfs with one PF (Present, two VFs) and nothing else, as SysfsPciDevices reports it.
    private sealed class OnePfPresent : IPciDevices
    {
        public bool PresentFails { get; init; }

        public Task<PhysicalFunctionInventory> OpenPhysicalFunctionAsync(string pfAddress, CancellationToken cancellationToken = default)
        {
            if (pfAddress != Present)
            {
                throw new PciException($"PCI device doesn't exist: {pfAddress} (/sys/bus/pci/devices/{pfAddress} not found)") { DeviceMissing = true };
            }

            if (PresentFails)
            {
                throw new PciException($"PCI device is not SR-IOV capable: {pfAddress} (sriov_totalvfs not found)");
            }

            IReadOnlyList<VirtualFunctionInfo> vfs = [new("0000:01:00.1", 0, 11, "iavf", ["v0"], 0), new("0000:01:00.2", 1, 12, "iavf", ["v1"], 0)];
            return Task.FromResult(new PhysicalFunctionInventory(new PciFunctionInfo(Present, "ice", ["ens1"], 10, 0, true), 2, 2, false, vfs));
        }

        public PciFunctionInfo GetFunction(string address) => throw new NotSupportedException();

        public IReadOnlyList<string> GetIommuGroupMembers(int iommuGroup) => throw new NotSupportedException();

        public IReadOnlyList<string> GetIommuGroupMembersOf(string address) => throw new NotSupportedException();

        public string GetNetInterfaceName(string address) => throw new NotSupportedException();

        public Task BindAsync(IReadOnlyList<DriverBinding> bindings, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
