using SriovForwarder.Grains.Chain;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Benchmarks.KernelMechanism;

/// <summary>No cgroup work: the KERNEL benchmark never reaches the VFIO branch, which only needs this to be composed.</summary>
internal sealed class BenchCgroupGrants : IDeviceCgroupGrants
{
    public IReadOnlyList<DeviceGrant> Allow(string cgroupPattern, DeviceNumber device) => [];

    public void Deny(IReadOnlyList<DeviceGrant> grants)
    {
    }

    public void Restore(IReadOnlyList<DeviceGrant> grants)
    {
    }

    public bool CgroupExists(string cgroupPath) => true;
}
