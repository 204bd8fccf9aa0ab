using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Grains.Chain;

/// <summary>The <see cref="IDeviceCgroupGrants"/> of the kernel's reference-counted <see cref="IDeviceCgroupController"/>.</summary>
public sealed class DeviceCgroupControllerGrants(IDeviceCgroupController controller) : IDeviceCgroupGrants
{
    /// <inheritdoc />
    public IReadOnlyList<DeviceGrant> Allow(string cgroupPattern, DeviceNumber device) => controller.Allow(cgroupPattern, device);

    /// <inheritdoc />
    public void Deny(IReadOnlyList<DeviceGrant> grants) => controller.DenyGrants(grants);

    /// <inheritdoc />
    public void Restore(IReadOnlyList<DeviceGrant> grants) => controller.RestoreGrants(grants);

    /// <inheritdoc />
    public bool CgroupExists(string cgroupPath) => controller.CgroupExists(cgroupPath);
}
