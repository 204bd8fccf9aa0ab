namespace SriovForwarder.Kernel.Cgroups;

/// <summary>Which cgroup hierarchies a node offers for device grants, as detected from the configured roots.</summary>
public enum CgroupHierarchy
{
    /// <summary>Neither a v1 devices hierarchy nor a cgroup2 mount: VFIO grants fail, naming both roots.</summary>
    None,

    /// <summary>Only the cgroup-v1 devices controller: <c>devices.allow</c>/<c>devices.deny</c>.</summary>
    V1,

    /// <summary>Only cgroup v2 (unified): the runtime's eBPF device programs.</summary>
    V2,

    /// <summary>Both (hybrid node): each request uses v1 when the client's cgroups exist under the devices controller, else v2.</summary>
    Hybrid,
}
