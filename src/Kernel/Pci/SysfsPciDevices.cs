using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace SriovForwarder.Kernel.Pci;

/// <summary>The SR-IOV inventory and driver binding over a sysfs tree whose roots come from <see cref="PciOptions"/>.</summary>
public sealed partial class SysfsPciDevices(
    IOptions<PciOptions> options,
    ILogger<SysfsPciDevices>? logger = null,
    TimeProvider? timeProvider = null) : IPciDevices
{
    private const string VirtfnPrefix = "virtfn";

    private readonly PciOptions _options = options.Value;
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>The options in use.</summary>
    public PciOptions Options => _options;

    /// <inheritdoc/>
    public async Task<PhysicalFunctionInventory> OpenPhysicalFunctionAsync(string pfAddress, CancellationToken cancellationToken = default)
    {
        var address = ParseAddress(pfAddress);
        var directory = DeviceDirectory(address);
        if (!Directory.Exists(directory))
        {
            throw new PciException($"PCI device doesn't exist: {address} ({directory} not found)") { DeviceMissing = true };
        }

        var totalPath = Path.Combine(directory, "sriov_totalvfs");
        if (!File.Exists(totalPath))
        {
            throw new PciException($"PCI device is not SR-IOV capable: {address} ({totalPath} not found)");
        }

        var totalRaw = SysfsFiles.ReadTrimmed(totalPath);
        var total = SysfsFiles.ReadInt(totalPath);
        var numPath = Path.Combine(directory, "sriov_numvfs");
        var enabled = SysfsFiles.ReadInt(numPath);
        var created = false;
        if (enabled == 0 && total > 0)
        {
            PciLog.EnablingVfs(_logger, address.ToString(), totalRaw);
            try
            {
                SysfsFiles.Write(numPath, totalRaw);
            }
            catch (PciException e)
            {
                throw new PciException($"failed to create VFs for the PCI device {address}: {e.Message}", e);
            }

            created = true;
            enabled = total;
            await WaitForVirtfnLinksAsync(address, directory, total, cancellationToken).ConfigureAwait(false);
        }

        var vfs = ReadVirtualFunctions(address, directory);
        var pf = ReadFunction(address, directory);
        PciLog.OpenedPf(_logger, address.ToString(), vfs.Count, pf.Driver);
        return new PhysicalFunctionInventory(pf, total, enabled, created, vfs);
    }

    /// <inheritdoc/>
    public PciFunctionInfo GetFunction(string address)
    {
        var parsed = ParseAddress(address);
        return ReadFunction(parsed, ExistingDeviceDirectory(parsed));
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> GetIommuGroupMembers(int iommuGroup)
    {
        var name = iommuGroup.ToString(CultureInfo.InvariantCulture);
        if (Directory.Exists(_options.DevicesPath))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(_options.DevicesPath))
            {
                var link = Path.Combine(entry, "iommu_group");
                if (new FileInfo(link).LinkTarget is not null && SysfsFiles.LinkBaseName(link) == name)
                {
                    return MembersFrom(link);
                }
            }
        }

        throw new PciException($"IOMMU group {iommuGroup} has no device under {_options.DevicesPath}");
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> GetIommuGroupMembersOf(string address)
    {
        var parsed = ParseAddress(address);
        var link = Path.Combine(ExistingDeviceDirectory(parsed), "iommu_group");
        _ = IommuGroupOf(parsed, ExistingDeviceDirectory(parsed));
        return MembersFrom(link);
    }

    /// <inheritdoc/>
    public string GetNetInterfaceName(string address)
    {
        var parsed = ParseAddress(address);
        var net = Path.Combine(ExistingDeviceDirectory(parsed), "net");
        if (!Directory.Exists(net))
        {
            throw new PciException($"failed to read net directory for the device: {parsed} ({net} not found)");
        }

        var names = SysfsFiles.NetInterfacesOf(ExistingDeviceDirectory(parsed));
        return names.Count switch
        {
            0 => throw new PciException($"no interfaces found for the device: {parsed}"),
            1 => names[0],
            _ => throw new PciException($"found multiple interfaces for the device: {parsed} ({string.Join(", ", names)})"),
        };
    }

    private static IReadOnlyList<string> MembersFrom(string iommuGroupLink)
    {
        var devices = Path.Combine(iommuGroupLink, "devices");
        if (!Directory.Exists(devices))
        {
            throw new PciException($"IOMMU group folder has no devices/ entry: {devices}");
        }

        var members = Directory.GetFileSystemEntries(devices).Select(Path.GetFileName).OfType<string>().ToList();
        members.Sort(StringComparer.Ordinal);
        return members;
    }

    private static PciAddress ParseAddress(string address)
    {
        try
        {
            return PciAddress.Parse(address);
        }
        catch (FormatException e)
        {
            throw new PciException(e.Message, e);
        }
    }

    private string DeviceDirectory(PciAddress address) => Path.Combine(_options.DevicesPath, address.ToString());

    private string ExistingDeviceDirectory(PciAddress address)
    {
        var directory = DeviceDirectory(address);
        return Directory.Exists(directory)
            ? directory
            : throw new PciException($"PCI function doesn't exist: {address} ({directory} not found)");
    }

    private static int IommuGroupOf(PciAddress address, string directory)
    {
        var link = Path.Combine(directory, "iommu_group");
        if (new FileInfo(link).LinkTarget is null)
        {
            throw new PciException($"{address} has no IOMMU group ({link} is missing or not a link): is the IOMMU enabled?");
        }

        var name = SysfsFiles.LinkBaseName(link);
        return int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var group)
            ? group
            : throw new PciException($"{address} has an IOMMU group link with a non-numeric target \"{name}\": {link}");
    }

    private static int NumaNodeOf(string directory)
    {
        var path = Path.Combine(directory, "numa_node");
        return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture, out var node) ? node : -1;
    }

    private static PciFunctionInfo ReadFunction(PciAddress address, string directory)
    {
        var netdevs = SysfsFiles.NetInterfacesOf(directory);
        return new(
            address.ToString(),
            SysfsFiles.DriverOf(directory),
            netdevs,
            IommuGroupOf(address, directory),
            NumaNodeOf(directory),
            File.Exists(Path.Combine(directory, "sriov_totalvfs")),
            netdevs.Count == 1 ? SysfsFiles.OperStateOf(directory, netdevs[0]) : null);
    }

    private List<VirtualFunctionInfo> ReadVirtualFunctions(PciAddress pf, string directory)
    {
        var links = new List<(int Number, string Path)>();
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory, VirtfnPrefix + "*"))
        {
            var suffix = Path.GetFileName(entry).AsSpan(VirtfnPrefix.Length);
            if (int.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                links.Add((number, entry));
            }
        }

        // Numeric order: upstream's lexicographic order put virtfn10 before virtfn2 (bug #1).
        links.Sort((a, b) => a.Number.CompareTo(b.Number));
        var vfs = new List<VirtualFunctionInfo>(links.Count);
        foreach (var (number, link) in links)
        {
            if (new FileInfo(link).LinkTarget is null)
            {
                // Upstream silently stopped here and truncated the VF list (bug #4).
                throw new PciException($"invalid virtual function entry of PF {pf}: {link} is not a symbolic link");
            }

            var vfName = SysfsFiles.LinkBaseName(link);
            if (!PciAddress.TryParse(vfName, out var vfAddress))
            {
                throw new PciException($"invalid virtual function entry of PF {pf}: {link} points to \"{vfName}\", not a PCI address");
            }

            var vf = ReadFunction(vfAddress, ExistingDeviceDirectory(vfAddress));
            vfs.Add(new VirtualFunctionInfo(vf.Address, number, vf.IommuGroup, vf.Driver, vf.NetInterfaces, vf.NumaNode));
        }

        return vfs;
    }

    private async Task WaitForVirtfnLinksAsync(PciAddress pf, string directory, int expected, CancellationToken cancellationToken)
    {
        // A real kernel has created the VFs when the write returns; a simulated one may lag by a few milliseconds.
        var deadline = _time.GetTimestamp();
        while (true)
        {
            var found = Directory.EnumerateFileSystemEntries(directory, VirtfnPrefix + "*").Count();
            if (found >= expected)
            {
                return;
            }

            if (_time.GetElapsedTime(deadline) >= _options.VfCreationTimeout)
            {
                throw new PciException(
                    $"failed to create VFs for the PCI device {pf}: {found} of {expected} virtfn links after {FormatDuration(_options.VfCreationTimeout)}");
            }

            await Task.Delay(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string FormatDuration(TimeSpan duration) =>
        duration.TotalMilliseconds % 1000 == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0}s")
            : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0}ms");
}
