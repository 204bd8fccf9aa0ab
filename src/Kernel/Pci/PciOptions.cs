using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Kernel.Pci;

/// <summary>Where the PCI sysfs trees and the VFIO device folder live, and how driver binding waits.</summary>
public sealed class PciOptions
{
    /// <summary>The default <see cref="DevicesPath"/>.</summary>
    public const string DefaultDevicesPath = "/sys/bus/pci/devices";

    /// <summary>The default <see cref="DriversPath"/>.</summary>
    public const string DefaultDriversPath = "/sys/bus/pci/drivers";

    /// <summary>The default <see cref="BindTimeout"/> (upstream: 1 s per function).</summary>
    public static readonly TimeSpan DefaultBindTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Folder of PCI device links (upstream <c>NSM_PCI_DEVICES_PATH</c>).</summary>
    public string DevicesPath { get; set; } = DefaultDevicesPath;

    /// <summary>Folder of PCI drivers (upstream <c>NSM_PCI_DRIVERS_PATH</c>).</summary>
    public string DriversPath { get; set; } = DefaultDriversPath;

    /// <summary>Folder holding the VFIO container and group devices (upstream <c>NSM_VFIO_PATH</c>).</summary>
    public string VfioPath { get; set; } = VfioOptions.DefaultVfioPath;

    /// <summary>How long one function may take to become ready after a bind (upstream: 1 s per function).</summary>
    public TimeSpan BindTimeout { get; set; } = DefaultBindTimeout;

    /// <summary>How long the VFs may take to appear after <c>sriov_numvfs</c> is written (a real kernel is done when the write returns).</summary>
    public TimeSpan VfCreationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often readiness is checked while waiting (upstream: 100 ms).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Write <c>driver_override</c> before binding, so vfio-pci accepts any VF without <c>new_id</c>.</summary>
    public bool UseDriverOverride { get; set; } = true;
}
