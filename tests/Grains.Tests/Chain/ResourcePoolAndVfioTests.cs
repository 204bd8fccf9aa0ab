using Microsoft.Extensions.Logging.Abstractions;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Chain.Elements;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Grains.Tests.Chain;

public sealed class ResourcePoolAndVfioTests
{
    private readonly FakeVfPool _pool = new(vfs: 2);
    private readonly FakeVfioDevices _devices = new();
    private readonly FakeCgroupGrants _cgroups = new();

    [Fact]
    public async Task Vfio_Request_ReservesBindsAndReturnsAllVfioParameters()
    {
        var context = ChainTestData.Context();

        var result = await VfioBranch().RequestAsync(VfioRequest(), context);

        var p = result.Mechanism.Parameters;
        Assert.Equal("0000:00:02.1", p["pciAddress"]);
        Assert.Equal("11", p["iommuGroup"]);
        Assert.Equal(("10", "196"), (p["vfioMajor"], p["vfioMinor"]));
        Assert.Equal(("240", "11"), (p["deviceMajor"], p["deviceMinor"]));
        Assert.Equal([(11, VfDriver.VfioPci)], _pool.Bindings);
        Assert.Equal(2, _cgroups.Held.Count);
        Assert.Equal(2, context.State.Vfio!.Grants.Count);
    }

    [Fact]
    public async Task Vfio_DownstreamFails_FreesTheVfAndDeniesTheDevices()
    {
        var context = ChainTestData.Context();
        var chain = VfioBranch(new FailingElement(new ForwarderException(ForwarderErrorCode.Unavailable, "next hop down")));

        await Assert.ThrowsAsync<ForwarderException>(() => chain.RequestAsync(VfioRequest(), context));

        Assert.Empty(_pool.Reserved);
        Assert.Equal(2, _pool.FreeCount);
        Assert.Empty(_cgroups.Held);
        Assert.Null(context.State.Vf);
        Assert.Null(context.State.Vfio);
    }

    [Fact]
    public async Task Vfio_Close_DeniesDevicesAndFreesTheVf()
    {
        var context = ChainTestData.Context();
        var chain = VfioBranch();
        var result = await chain.RequestAsync(VfioRequest(), context);

        await chain.CloseAsync(result, context);

        Assert.Empty(_cgroups.Held);
        Assert.Contains("deny kubepods/besteffort/pod1/c1 c 240:11", _cgroups.Log);
        Assert.Equal(2, _pool.FreeCount);
    }

    [Fact]
    public async Task Vfio_RefreshWithStateFromAnEarlierRequest_KeepsTheVfAndGrantsOnce()
    {
        var context = ChainTestData.Context();
        var chain = VfioBranch();
        await chain.RequestAsync(VfioRequest(), context);

        var again = await chain.RequestAsync(VfioRequest(), new ChainContext(context.Node, context.ConnectionId, context.State));

        Assert.Equal(1, _pool.ReserveCount);
        Assert.Equal("0000:00:02.1", again.Mechanism.Parameters["pciAddress"]);
        Assert.All(_cgroups.Held.Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task Vfio_MissingGroupDevice_FailsPreconditionAndFreesTheVf()
    {
        _devices.Missing = true;

        var error = await Assert.ThrowsAsync<ForwarderException>(() => VfioBranch().RequestAsync(VfioRequest(), ChainTestData.Context()));

        Assert.Equal(ForwarderErrorCode.FailedPrecondition, error.Code);
        Assert.Contains("/dev/vfio/11", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _pool.FreeCount);
        Assert.Empty(_cgroups.Held);
    }

    [Fact]
    public async Task Vfio_NoCgroupMatches_FailsNamingThePatternAndFreesTheVf()
    {
        _cgroups.NoMatch = true;

        var error = await Assert.ThrowsAsync<ForwarderException>(() => VfioBranch().RequestAsync(VfioRequest(), ChainTestData.Context()));

        Assert.Contains("kubepods/besteffort/pod1/*", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _pool.FreeCount);
    }

    [Fact]
    public async Task ResourcePool_NoFreeVf_FailsResourceExhausted()
    {
        await VfioBranch().RequestAsync(VfioRequest(), ChainTestData.Context());
        await VfioBranch().RequestAsync(VfioRequest(), ChainTestData.Context());

        var error = await Assert.ThrowsAsync<ForwarderException>(() => VfioBranch().RequestAsync(VfioRequest(), ChainTestData.Context()));

        Assert.Equal(ForwarderErrorCode.ResourceExhausted, error.Code);
        Assert.Contains(ChainTestData.Token, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResourcePool_BindFails_ReleasesTheReservation()
    {
        _pool.BindError = new IOException("bind timed out");

        var error = await Assert.ThrowsAsync<ForwarderException>(() => VfioBranch().RequestAsync(VfioRequest(), ChainTestData.Context()));

        Assert.Contains("bind timed out", error.Message, StringComparison.Ordinal);
        Assert.Empty(_pool.Reserved);
    }

    [Fact]
    public async Task ResourcePool_Kernel_SetsPciAddressAndRecordsTheVfNetdev()
    {
        var context = ChainTestData.Context();
        var request = ChainTestData.Request();
        request.Connection.Mechanism = ChainTestData.Kernel();
        var element = new ResourcePoolElement(VfDriver.Kernel, _pool, NullLogger<ResourcePoolElement>.Instance);

        var result = await ChainBuilder.Build([element]).RequestAsync(request, context);

        Assert.Equal("0000:00:02.1", result.Mechanism.Parameters["pciAddress"]);
        Assert.False(result.Mechanism.Parameters.ContainsKey("iommuGroup"));
        Assert.Equal(("vf-1", 0), (context.State.Vf!.VfInterfaceName, context.State.Vf.VfNumber));
    }

    [Fact]
    public async Task Vfio_GroupAlreadyBoundWhenReserved_SkipsThePfBindAndStillGrants()
    {
        _pool.DriversReady = true;
        var context = ChainTestData.Context();

        var result = await VfioBranch().RequestAsync(VfioRequest(), context);

        Assert.Equal(1, _pool.DriverStateReads);
        Assert.Empty(_pool.Bindings);
        Assert.Equal(("0000:00:02.1", "11"), (result.Mechanism.Parameters["pciAddress"], result.Mechanism.Parameters["iommuGroup"]));
        Assert.Equal(("240", "11"), (result.Mechanism.Parameters["deviceMajor"], result.Mechanism.Parameters["deviceMinor"]));
        Assert.Equal(2, _cgroups.Held.Count);
    }

    [Fact]
    public async Task Vfio_GroupNotBoundWhenReserved_BindsThroughThePf()
    {
        _pool.DriversReady = false;

        await VfioBranch().RequestAsync(VfioRequest(), ChainTestData.Context());

        Assert.Equal(1, _pool.DriverStateReads);
        Assert.Equal([(11, VfDriver.VfioPci)], _pool.Bindings);
    }

    [Fact]
    public async Task ResourcePool_KernelAlreadyBound_TakesTheNetdevFromTheReservationWithoutAPfCall()
    {
        _pool.DriversReady = true;
        var context = ChainTestData.Context();
        var request = ChainTestData.Request();
        request.Connection.Mechanism = ChainTestData.Kernel();
        var element = new ResourcePoolElement(VfDriver.Kernel, _pool, NullLogger<ResourcePoolElement>.Instance);

        await ChainBuilder.Build([element]).RequestAsync(request, context);

        Assert.Empty(_pool.Bindings);
        Assert.Equal("ready-1", context.State.Vf!.VfInterfaceName);
    }

    [Fact]
    public async Task Vfio_GroupAlreadyBoundAndGroupDeviceMissing_FailsAndFreesTheVf()
    {
        _pool.DriversReady = true;
        _devices.Missing = true;

        var error = await Assert.ThrowsAsync<ForwarderException>(() => VfioBranch().RequestAsync(VfioRequest(), ChainTestData.Context()));

        Assert.Equal(ForwarderErrorCode.FailedPrecondition, error.Code);
        Assert.Empty(_pool.Reserved);
        Assert.Empty(_cgroups.Held);
    }

    private IChainNext VfioBranch(params IChainElement[] after) => ChainBuilder.Build(
    [
        new ResourcePoolElement(VfDriver.VfioPci, _pool, NullLogger<ResourcePoolElement>.Instance),
        new VfioElement(_devices, _cgroups, NullLogger<VfioElement>.Instance),
        .. after,
    ]);

    private static Api.Nsm.Networkservice.NetworkServiceRequest VfioRequest()
    {
        var request = ChainTestData.Request();
        request.Connection.Mechanism = ChainTestData.Vfio();
        return request;
    }
}
