using SriovForwarder.Grains.Chain;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Benchmarks.KernelMechanism;

/// <summary>No cgroup work: the KERNEL benchmark never reaches the VFIO branch, which only needs this to be composed.</summary>
internal sealed class BenchCgroupGrants : IDeviceCgroupController
{
    public string CgroupRoot => "/sys/fs/cgroup/devices";

    public IReadOnlyList<DeviceGrant> Allow(string cgroupPattern, DeviceNumber device) => [];

    public IReadOnlyList<DeviceGrant> AllowAll(string cgroupDir, IReadOnlyList<DeviceNumber> devices) => [];

    public IReadOnlyList<DeviceGrant> Deny(string cgroupDir, DeviceNumber device) => [];

    public IReadOnlyList<DeviceGrant> DenyAll(string cgroupDir, IReadOnlyList<DeviceNumber> devices) => [];

    public void Deny(DeviceGrant grant)
    {
    }

    public void DenyGrants(IEnumerable<DeviceGrant> grants)
    {
    }

    public void RestoreGrants(IEnumerable<DeviceGrant> grants)
    {
    }

    public bool CgroupExists(string cgroupPath) => true;

    public int GetReferenceCount(DeviceGrant grant) => 0;
}
