using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Chain.Elements;
using SriovForwarder.Grains.Outbound;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Grains.Tests.Chain;

public sealed class ForwarderChainTests
{
    [Fact]
    public void Compose_TheForwarderChain_FollowsUpstreamsOrder()
    {
        var chain = new ForwarderChain(Services());

        var elements = ChainBuilder.ElementsOf(chain.Head);

        Assert.Equal(
            [typeof(ValidateElement), typeof(UpdatePathElement), typeof(MonitorElement), typeof(EarlyReserveElement), typeof(DiscoverElement),
             typeof(RoundRobinElement), typeof(ResetMechanismElement), typeof(ConnectElement)],
            elements.Select(e => e.GetType()));
        Assert.Equal("forwarder-a", ((UpdatePathElement)elements[1]).Name);
    }

    [Fact]
    public void Compose_MechanismBranches_ResourcePoolHeadsKernelAndVfioAndNoopIsEmpty()
    {
        var chain = new ForwarderChain(Services());
        var reset = ChainBuilder.ElementsOf(chain.Head).OfType<ResetMechanismElement>().Single();

        var branches = ((MechanismsElement)reset.Inner).Branches;

        var kernel = ((ChainSegment)branches["KERNEL"]).Elements;
        var vfio = ((ChainSegment)branches["VFIO"]).Elements;
        Assert.Equal(VfDriver.Kernel, Assert.IsType<ResourcePoolElement>(kernel[0]).Driver);
        Assert.Equal(VfDriver.VfioPci, Assert.IsType<ResourcePoolElement>(vfio[0]).Driver);
        Assert.IsType<VfioElement>(vfio[1]);
        Assert.IsType<BranchEndElement>(vfio[^1]);
        Assert.Empty(((ChainSegment)branches["NOOP"]).Elements);
    }

    private static ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        services.AddSingleton<IVfPool>(new FakeVfPool());
        services.AddSingleton<IVfioDevices>(new FakeVfioDevices());
        services.AddSingleton<IDeviceCgroupController>(new FakeCgroupGrants());
        services.AddSingleton<INsmRegistryClient>(new FakeRegistry());
        services.AddSingleton<INextHopClient>(new FakeNextHop());
        services.AddSingleton<IConnectionEventSink>(new RecordingSink());
        services.AddForwarderChain(o => o.Name = "forwarder-a");
        return services.BuildServiceProvider();
    }
}
