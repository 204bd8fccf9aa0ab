using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Grains.Chain.Elements;

/// <summary>
/// The last element of a mechanism branch. On Close every element of the branch before it has undone its part on the VF
/// (VFIO: the cgroup grant revoked; KERNEL: the VF moved back to the host, its policies removed; MAC and VLAN reset), so
/// it tells the resourcepool element, through <see cref="ChainContext.BranchClosed"/>, that the VF may be released now,
/// while the next hop closes (decision 052).
/// A Request passes through.
/// </summary>
public sealed class BranchEndElement : IChainElement
{
    /// <inheritdoc />
    public Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context, IChainNext next) =>
        next.RequestAsync(request, context);

    /// <inheritdoc />
    public Task CloseAsync(Connection connection, ChainContext context, IChainNext next)
    {
        context.BranchClosed?.Invoke();
        return next.CloseAsync(connection, context);
    }
}
