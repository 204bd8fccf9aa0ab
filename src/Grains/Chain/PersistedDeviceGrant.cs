using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Grains.Chain;

/// <summary>A kernel <see cref="DeviceGrant"/> as the connection state persists it: a cgroup path relative to the root and a character device.</summary>
/// <remarks>The alias keeps its earlier name, so state files written before the rename still load.</remarks>
[GenerateSerializer, Alias("sriov.CgroupDeviceGrant")]
public sealed class PersistedDeviceGrant
{
    /// <summary>The cgroup path relative to the devices root.</summary>
    [Id(0)]
    public string CgroupPath { get; set; } = string.Empty;

    /// <summary>The device's major number.</summary>
    [Id(1)]
    public uint Major { get; set; }

    /// <summary>The device's minor number.</summary>
    [Id(2)]
    public uint Minor { get; set; }

    /// <summary>From the kernel layer's grant.</summary>
    public static PersistedDeviceGrant From(DeviceGrant grant) =>
        new() { CgroupPath = grant.CgroupPath, Major = grant.Device.Major, Minor = grant.Device.Minor };

    /// <summary>To the kernel layer's grant.</summary>
    public DeviceGrant ToDeviceGrant() => new(CgroupPath, new DeviceNumber(Major, Minor));
}
