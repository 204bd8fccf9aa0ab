using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Namespaces;

namespace SriovForwarder.Grains.Chain;

/// <summary>
/// Tells whether an established connection's client is gone, so the reconcile pass closes it at once instead of at
/// expiry: every cgroup a VFIO connection was granted in was removed (the pod went), or the named network namespace
/// a KERNEL connection moved its VF into was deleted or its process ended. A namespace passed as a descriptor has no
/// lasting name; for those, kubelet freeing the token is the signal (the node grain acts on it).
/// </summary>
public sealed class ClientPresence(IDeviceCgroupController cgroups, INetworkNamespaces netns)
{
    /// <summary>Why the client is gone, or null while it is there (or nothing can be told).</summary>
    public string? WhyGone(ConnectionState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Vfio is { Grants.Count: > 0 } vfio && vfio.Grants.All(g => !cgroups.CgroupExists(g.CgroupPath)))
        {
            return $"its cgroups are gone ({string.Join(", ", vfio.Grants.Select(g => g.CgroupPath).Distinct())})";
        }

        if (state.Kernel is { } kernel && netns.IsGoneFromName(kernel.NamespaceUrl, kernel.NamespaceInode) == true)
        {
            return $"its network namespace {kernel.NamespaceUrl} (net:[{kernel.NamespaceInode}]) is gone";
        }

        return null;
    }
}
