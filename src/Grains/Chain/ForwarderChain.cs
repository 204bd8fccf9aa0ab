using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SriovForwarder.Grains.Chain.Elements;
using SriovForwarder.Grains.Chain.Elements.Kernel;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Chain;

/// <summary>
/// The forwarder's chain, composed once in upstream's order (cmd-forwarder-sriov's server chain):
/// validate → updatepath → [begin and timeout are the connection grain] → monitor → [early reserve] → discover →
/// roundrobin → resetmechanism(mechanisms{KERNEL, VFIO, NOOP}) → connect.
/// </summary>
public sealed class ForwarderChain
{
    /// <summary>Composes the chain from the services registered by <see cref="ForwarderChainExtensions.AddForwarderChain"/>.</summary>
    public ForwarderChain(IServiceProvider services)
    {
        var name = services.GetRequiredService<IOptions<ForwarderChainOptions>>().Value.Name;
        IChainElement Create<T>(params object[] args) where T : IChainElement =>
            ActivatorUtilities.CreateInstance<T>(services, args);

        var mechanisms = new MechanismsElement(new Dictionary<string, IChainElement>(StringComparer.Ordinal)
        {
            // Upstream's order after resourcepool: ethernetcontext, inject, connectioncontextkernel. Inside the branch
            // (not after resetmechanism as upstream), so a mechanism change moves the VF back (bug #18). The branch's end
            // releases the VF, once it is back in the host, while the next hop closes (decision 052's addendum).
            [MechanismTypes.Kernel] = new ChainSegment(
                Create<ResourcePoolElement>(VfDriver.Kernel),
                Create<EthernetContextElement>(),
                Create<InjectElement>(),
                Create<IpContextElement>(),
                new BranchEndElement()),
            // Upstream programs VF MAC/VLAN for VFIO connections too (the client's DPDK uses them).
            // The branch's end lets the resourcepool release the VF while the next hop closes (decision 052).
            [MechanismTypes.Vfio] = new ChainSegment(
                Create<ResourcePoolElement>(VfDriver.VfioPci), Create<VfioElement>(), Create<EthernetContextElement>(), new BranchEndElement()),
            [MechanismTypes.Noop] = new ChainSegment(),
        });

        Head = ChainBuilder.Build(
        [
            new ValidateElement(),
            new UpdatePathElement(name),
            Create<MonitorElement>(),
            // Not upstream's: a first VFIO or KERNEL request's VF reserve runs while discover asks the registry (decision 052).
            Create<EarlyReserveElement>(),
            Create<DiscoverElement>(),
            new RoundRobinElement(),
            new ResetMechanismElement(mechanisms),
            Create<ConnectElement>(),
        ]);
    }

    /// <summary>The first element of the chain, bound to the rest.</summary>
    public IChainNext Head { get; }
}
