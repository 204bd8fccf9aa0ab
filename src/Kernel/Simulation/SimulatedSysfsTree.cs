using System.Globalization;
using System.Runtime.InteropServices;
using SriovForwarder.Kernel.Pci;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Simulation;

/// <summary>Paths of the simulated sysfs and /dev trees and the primitive changes the simulated kernel makes to them.</summary>
internal sealed class SimulatedSysfsTree(string root)
{
    /// <summary>Major and minor of the VFIO container device on every Linux system.</summary>
    public const uint VfioContainerMajor = 10;
    public const uint VfioContainerMinor = 196;

    public string Root { get; } = root;

    public string DevicesPath => Path.Combine(Root, "sys", "bus", "pci", "devices");

    public string DriversPath => Path.Combine(Root, "sys", "bus", "pci", "drivers");

    public string DeviceRoot => Path.Combine(Root, "sys", "devices", "pci0000:00");

    public string IommuGroupsPath => Path.Combine(Root, "sys", "kernel", "iommu_groups");

    public string VfioPath => Path.Combine(Root, "dev", "vfio");

    /// <summary>Set when mknod was refused and regular files stand in for device nodes.</summary>
    public string? DeviceNodeFallbackReason { get; private set; }

    public string DeviceDirectory(SimulatedFunction function) => Path.Combine(DeviceRoot, function.Address.ToString());

    public string DriverDirectory(string driver) => Path.Combine(DriversPath, driver);

    public string VfioGroupNode(int group) => Path.Combine(VfioPath, group.ToString(CultureInfo.InvariantCulture));

    public bool Exists(SimulatedFunction function) => Directory.Exists(DeviceDirectory(function));

    public void EnsureBase()
    {
        Directory.CreateDirectory(DevicesPath);
        Directory.CreateDirectory(DriversPath);
        Directory.CreateDirectory(DeviceRoot);
        Directory.CreateDirectory(IommuGroupsPath);
        Directory.CreateDirectory(VfioPath);
    }

    /// <summary>Creates a driver folder with FIFO <c>bind</c>/<c>unbind</c> attributes, so every write reaches the simulated kernel in order.</summary>
    public void EnsureDriver(string driver)
    {
        var directory = DriverDirectory(driver);
        Directory.CreateDirectory(directory);
        EnsureFifo(Path.Combine(directory, "bind"));
        EnsureFifo(Path.Combine(directory, "unbind"));
        EnsureFile(Path.Combine(directory, "new_id"), string.Empty);
        EnsureFile(Path.Combine(directory, "remove_id"), string.Empty);
    }

    /// <summary>Creates the device folder, its attributes and its bus and IOMMU links; false when it already existed.</summary>
    public bool EnsureFunction(SimulatedFunction function, SimulatedPhysicalFunctionSpec pfSpec)
    {
        var directory = DeviceDirectory(function);
        if (Directory.Exists(directory))
        {
            return false;
        }

        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "vendor"), pfSpec.VendorId + "\n");
        File.WriteAllText(Path.Combine(directory, "device"), function.DeviceId + "\n");
        File.WriteAllText(Path.Combine(directory, "class"), "0x020000\n");
        File.WriteAllText(Path.Combine(directory, "numa_node"), pfSpec.NumaNode.ToString(CultureInfo.InvariantCulture) + "\n");
        File.WriteAllText(Path.Combine(directory, "driver_override"), "(null)\n");
        if (function.IsPhysicalFunction)
        {
            File.WriteAllText(Path.Combine(directory, "sriov_totalvfs"), pfSpec.TotalVfs.ToString(CultureInfo.InvariantCulture) + "\n");
            File.WriteAllText(Path.Combine(directory, "sriov_numvfs"), "0\n");
        }

        var group = Path.Combine(IommuGroupsPath, function.IommuGroup.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(Path.Combine(group, "devices"));
        Link(Path.Combine(group, "devices", function.Address.ToString()), directory);
        Link(Path.Combine(directory, "iommu_group"), group);
        Link(Path.Combine(DevicesPath, function.Address.ToString()), directory);
        return true;
    }

    /// <summary>Removes a function's folder and every link to it (a VF disappearing when sriov_numvfs goes to 0).</summary>
    public void RemoveFunction(SimulatedFunction function)
    {
        ClearDriver(function);
        var group = Path.Combine(IommuGroupsPath, function.IommuGroup.ToString(CultureInfo.InvariantCulture));
        File.Delete(Path.Combine(group, "devices", function.Address.ToString()));
        if (Directory.Exists(Path.Combine(group, "devices")) && !Directory.EnumerateFileSystemEntries(Path.Combine(group, "devices")).Any())
        {
            Directory.Delete(group, recursive: true);
        }

        File.Delete(Path.Combine(DevicesPath, function.Address.ToString()));
        var directory = DeviceDirectory(function);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public void LinkVirtualFunction(SimulatedFunction pf, SimulatedFunction vf)
    {
        Link(Path.Combine(DeviceDirectory(vf), "physfn"), DeviceDirectory(pf));
        Link(Path.Combine(DeviceDirectory(pf), string.Create(CultureInfo.InvariantCulture, $"virtfn{vf.VfNumber}")), DeviceDirectory(vf));
    }

    public void UnlinkVirtualFunction(SimulatedFunction pf, SimulatedFunction vf) =>
        File.Delete(Path.Combine(DeviceDirectory(pf), string.Create(CultureInfo.InvariantCulture, $"virtfn{vf.VfNumber}")));

    public int CountVirtfnLinks(SimulatedFunction pf) =>
        Directory.EnumerateFileSystemEntries(DeviceDirectory(pf), "virtfn*").Count();

    public string? DriverOf(SimulatedFunction function) => SysfsFiles.DriverOf(DeviceDirectory(function));

    /// <summary>The driver named in <c>driver_override</c>, or null when it is unset (the kernel shows "(null)").</summary>
    public string? OverrideOf(SimulatedFunction function)
    {
        var path = Path.Combine(DeviceDirectory(function), "driver_override");
        var text = File.Exists(path) ? File.ReadAllText(path).Trim() : string.Empty;
        return text.Length == 0 || text == "(null)" ? null : text;
    }

    public void SetDriver(SimulatedFunction function, string driver)
    {
        Link(Path.Combine(DeviceDirectory(function), "driver"), DriverDirectory(driver));
        Link(Path.Combine(DriverDirectory(driver), function.Address.ToString()), DeviceDirectory(function));
    }

    public void ClearDriver(SimulatedFunction function)
    {
        var driver = DriverOf(function);
        if (driver is not null)
        {
            File.Delete(Path.Combine(DriverDirectory(driver), function.Address.ToString()));
        }

        File.Delete(Path.Combine(DeviceDirectory(function), "driver"));
    }

    public void AddNetdev(SimulatedFunction function)
    {
        var netdev = Directory.CreateDirectory(Path.Combine(DeviceDirectory(function), "net", function.NetdevName)).FullName;
        // The simulated link is always up: the fleet view shows the PF's link from this file, as it reads the kernel's.
        File.WriteAllText(Path.Combine(netdev, "operstate"), "up\n");
    }

    /// <summary>True when the function's netdev entry is complete (its folder and its <c>operstate</c>).</summary>
    public bool HasNetdev(SimulatedFunction function) =>
        File.Exists(Path.Combine(DeviceDirectory(function), "net", function.NetdevName, "operstate"));

    /// <summary>True when anything is left under the function's <c>net/</c>.</summary>
    public bool HasAnyNetdev(SimulatedFunction function)
    {
        var net = Path.Combine(DeviceDirectory(function), "net");
        return Directory.Exists(net) && Directory.EnumerateFileSystemEntries(net).Any();
    }

    public void RemoveNetdevs(SimulatedFunction function)
    {
        var net = Path.Combine(DeviceDirectory(function), "net");
        if (Directory.Exists(net))
        {
            Directory.Delete(net, recursive: true);
        }
    }

    public int ReadNumVfs(SimulatedFunction pf, out string raw)
    {
        raw = File.ReadAllText(Path.Combine(DeviceDirectory(pf), "sriov_numvfs")).Trim();
        return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : -1;
    }

    public void WriteNumVfs(SimulatedFunction pf, int value) =>
        File.WriteAllText(Path.Combine(DeviceDirectory(pf), "sriov_numvfs"), value.ToString(CultureInfo.InvariantCulture) + "\n");

    public void EnsureVfioContainer() =>
        EnsureCharacterDevice(Path.Combine(VfioPath, "vfio"), VfioContainerMajor, VfioContainerMinor);

    public void EnsureVfioGroupNode(int group, uint major) =>
        EnsureCharacterDevice(VfioGroupNode(group), major, (uint)group);

    public void RemoveVfioGroupNode(int group) => File.Delete(VfioGroupNode(group));

    private void EnsureCharacterDevice(string path, uint major, uint minor)
    {
        if (File.Exists(path))
        {
            return;
        }

        if (DeviceNodeFallbackReason is null
            && LibC.Mknod(path, LibC.SIfchr | 0x1b6, LibC.MakeDev(major, minor)) == 0)
        {
            return;
        }

        // Without CAP_MKNOD a regular file keeps the tree usable; the device numbers are then unavailable.
        DeviceNodeFallbackReason ??= $"mknod {path} failed: {Marshal.GetLastPInvokeErrorMessage()}";
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $"{major}:{minor}\n"));
    }

    private static void EnsureFifo(string path)
    {
        if (File.Exists(path))
        {
            return;
        }

        if (LibC.Mkfifo(path, 0x180) != 0)
        {
            throw new IOException($"mkfifo {path} failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }

    private static void EnsureFile(string path, string content)
    {
        if (!File.Exists(path))
        {
            File.WriteAllText(path, content);
        }
    }

    /// <summary>Relative links, as sysfs has them, so the whole tree stays valid if its folder is moved.</summary>
    private static void Link(string linkPath, string targetPath)
    {
        if (new FileInfo(linkPath).LinkTarget is not null)
        {
            File.Delete(linkPath);
        }

        File.CreateSymbolicLink(linkPath, Path.GetRelativePath(Path.GetDirectoryName(linkPath)!, targetPath));
    }
}
