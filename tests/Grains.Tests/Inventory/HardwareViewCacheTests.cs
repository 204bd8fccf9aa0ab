using Microsoft.Extensions.Time.Testing;
using SriovForwarder.Grains.Inventory;
using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Grains.Tests.Inventory;

/// <summary>The fleet report's sysfs view: read once per maximum age, again at once when marked stale.</summary>
public sealed class HardwareViewCacheTests
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMilliseconds(200);
    private readonly FakeTimeProvider _time = new();
    private readonly CountingSysfs _sysfs = new();
    private readonly NodeInventory _inventory = new([new InventoryPhysicalFunction("0000:01:00.0", "ice", "iavf", ["d/10G"], "ens1", 0,
        [new VirtualFunctionInfo("0000:01:00.1", 0, 11, "iavf", ["v0"], 0)])]);

    [Fact]
    public void Read_WithinMaxAge_ServesTheCachedViewWithoutReadingSysfs()
    {
        var cache = new HardwareViewCache(_time, MaxAge);
        var first = cache.Read(_sysfs, _inventory, _time.GetUtcNow());
        _sysfs.VfDriver = "vfio-pci";
        _time.Advance(MaxAge / 2);

        var second = cache.Read(_sysfs, _inventory, _time.GetUtcNow());

        Assert.Same(first, second);
        Assert.Equal("iavf", second[0].VirtualFunctions[0].Driver);
        Assert.Equal(2, _sysfs.Reads);
        Assert.False(cache.NeedsRead);
    }

    [Fact]
    public void Read_AfterMaxAge_ReadsSysfsAgain()
    {
        var cache = new HardwareViewCache(_time, MaxAge);
        _ = cache.Read(_sysfs, _inventory, _time.GetUtcNow());
        _sysfs.VfDriver = "vfio-pci";
        _time.Advance(MaxAge);

        Assert.True(cache.NeedsRead);
        Assert.Equal("vfio-pci", cache.Read(_sysfs, _inventory, _time.GetUtcNow())[0].VirtualFunctions[0].Driver);
        Assert.Equal(4, _sysfs.Reads);
    }

    [Fact]
    public void MarkStale_FreshView_NextReadGoesToSysfs()
    {
        var cache = new HardwareViewCache(_time, MaxAge);
        _ = cache.Read(_sysfs, _inventory, _time.GetUtcNow());
        _sysfs.VfDriver = null;

        cache.MarkStale();

        Assert.True(cache.NeedsRead);
        Assert.Null(cache.Read(_sysfs, _inventory, _time.GetUtcNow())[0].VirtualFunctions[0].Driver);
    }

    // One PF and one VF whose driver the test changes; counts the function reads (one PF + one VF per view).
    private sealed class CountingSysfs : IPciDevices
    {
        public string? VfDriver { get; set; } = "iavf";

        public int Reads { get; private set; }

        public PciFunctionInfo GetFunction(string address)
        {
            Reads++;
            return address == "0000:01:00.0"
                ? new PciFunctionInfo(address, "ice", ["ens1"], 10, 0, true)
                : new PciFunctionInfo(address, VfDriver, VfDriver == "iavf" ? ["v0"] : [], 11, 0, false);
        }

        public Task<PhysicalFunctionInventory> OpenPhysicalFunctionAsync(string pfAddress, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public IReadOnlyList<string> GetIommuGroupMembers(int iommuGroup) => throw new NotSupportedException();

        public IReadOnlyList<string> GetIommuGroupMembersOf(string address) => throw new NotSupportedException();

        public string GetNetInterfaceName(string address) => throw new NotSupportedException();

        public Task BindAsync(IReadOnlyList<DriverBinding> bindings, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
