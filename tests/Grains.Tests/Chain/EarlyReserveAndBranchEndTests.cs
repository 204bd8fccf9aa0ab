using Microsoft.Extensions.Logging.Abstractions;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Chain.Elements;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Tests.Chain;

/// <summary>Decision 052: a first VFIO request's reserve runs while discover asks, and a Close releases the VF while the next hop closes.</summary>
public sealed class EarlyReserveAndBranchEndTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly FakeVfPool _pool = new(vfs: 2);
    private readonly FakeVfioDevices _devices = new();
    private readonly FakeCgroupGrants _cgroups = new();

    [Fact]
    public async Task Close_WithTheBranchEnd_ReleasesTheVfWhileTheNextHopStillCloses()
    {
        var nextHop = new GatedElement(requests: false);
        var chain = Chain(early: false, VfioBranch(new BranchEndElement()), nextHop);
        var context = ChainTestData.Context();
        var result = await chain.RequestAsync(VfioRequest(), context);

        var close = chain.CloseAsync(result, context);
        await nextHop.Arrived.Task.WaitAsync(Wait);

        Assert.Equal(2, _pool.FreeCount);
        Assert.Empty(_cgroups.Held);
        Assert.False(close.IsCompleted);
        nextHop.Open();
        await close.WaitAsync(Wait);
        Assert.Equal(1, _pool.ReleaseCount);
        Assert.Null(context.State.Vf);
    }

    [Fact]
    public async Task Close_WithTheBranchEnd_ReleasesOnlyAfterTheGrantsAreRevoked()
    {
        var chain = Chain(early: false, VfioBranch(new BranchEndElement()));
        var context = ChainTestData.Context();
        var result = await chain.RequestAsync(VfioRequest(), context);
        int? heldAtRelease = null;
        _pool.Releasing = () => heldAtRelease = _cgroups.Held.Count;

        await chain.CloseAsync(result, context);

        Assert.Equal(0, heldAtRelease);
        Assert.Equal(2, _pool.FreeCount);
    }

    [Fact]
    public async Task Close_NextHopCloseFailsAfterTheBranchEnd_ReleasesTheVfOnceAndFails()
    {
        var nextHop = new FailingElement(new ForwarderException(ForwarderErrorCode.Unavailable, "next hop down"), failClose: true) { Enabled = false };
        var chain = Chain(early: false, VfioBranch(new BranchEndElement()), nextHop);
        var context = ChainTestData.Context();
        var result = await chain.RequestAsync(VfioRequest(), context);
        nextHop.Enabled = true;

        await Assert.ThrowsAsync<ForwarderException>(() => chain.CloseAsync(result, context));

        Assert.Equal(1, _pool.ReleaseCount);
        Assert.Equal(2, _pool.FreeCount);
        Assert.Null(context.State.Vf);
        Assert.Null(context.BranchClosed);
    }

    [Fact]
    public async Task Request_FirstVfio_ReservesWhileDiscoverStillAsksAndTheBranchTakesThatReservation()
    {
        var discover = new GatedElement(closes: false);
        var chain = Chain(early: true, discover, VfioBranch());
        var context = ChainTestData.Context();

        var request = chain.RequestAsync(VfioRequest(), context);
        await discover.Arrived.Task.WaitAsync(Wait);
        Assert.Equal(1, _pool.ReserveCount);
        discover.Open();
        var result = await request.WaitAsync(Wait);

        Assert.Equal(1, _pool.ReserveCount);
        Assert.Equal(new VfOwner(string.Empty, "sriov-ns", "VFIO"), _pool.Reserves.Single().Owner);
        Assert.True(_pool.Reserves.Single().ReadDriverState);
        Assert.Equal("0000:00:02.1", result.Mechanism.Parameters["pciAddress"]);
        Assert.Equal("0000:00:02.1", context.State.Vf!.VfAddress);
        Assert.Null(context.EarlyReservation);
        Assert.Equal(2, _cgroups.Held.Count);
    }

    [Fact]
    public async Task Request_FromPreferences_ReservesWhatTheBranchWouldAsk()
    {
        var chain = Chain(early: true, new CountingElement(), Switch());

        await chain.RequestAsync(ChainTestData.Request(ChainTestData.Vfio(), ChainTestData.Noop()), ChainTestData.Context());

        Assert.Equal(1, _pool.ReserveCount);
        Assert.Single(_pool.Reserved);
    }

    [Fact]
    public async Task Request_FirstKernel_ReservesTheKernelDriverWhileDiscoverStillAsks()
    {
        var discover = new GatedElement(closes: false);
        var chain = Chain(early: true, discover, new CountingElement());

        var request = chain.RequestAsync(ChainTestData.Request(ChainTestData.Kernel(), ChainTestData.Vfio()), ChainTestData.Context());
        await discover.Arrived.Task.WaitAsync(Wait);
        Assert.Equal(1, _pool.ReserveCount);
        discover.Open();
        await request.WaitAsync(Wait);

        var reserve = _pool.Reserves.Single();
        Assert.Equal(VfDriver.Kernel, reserve.Driver);
        Assert.Equal("KERNEL", reserve.Owner!.Mechanism);
        Assert.Empty(_pool.Reserved); // no KERNEL branch took it: freed before the Request ended
    }

    [Fact]
    public async Task Request_DiscoverFails_FreesTheEarlyReservation()
    {
        var discover = new FailingElement(new ForwarderException(ForwarderErrorCode.NotFound, "network service sriov-ns is not found"));
        var chain = Chain(early: true, discover, VfioBranch());

        var error = await Assert.ThrowsAsync<ForwarderException>(() => chain.RequestAsync(VfioRequest(), ChainTestData.Context()));

        Assert.Equal(ForwarderErrorCode.NotFound, error.Code);
        Assert.Empty(_pool.Reserved);
        Assert.Equal(2, _pool.FreeCount);
        Assert.Empty(_cgroups.Held);
    }

    [Fact]
    public async Task Request_DiscoverFailsBeforeTheNodeAnswered_WaitsForTheReserveAndFreesIt()
    {
        _pool.ReserveGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var discover = new FailingElement(new ForwarderException(ForwarderErrorCode.NotFound, "no endpoint"));
        var chain = Chain(early: true, discover, VfioBranch());

        var request = chain.RequestAsync(VfioRequest(), ChainTestData.Context());
        Assert.False(request.IsCompleted);
        _pool.ReserveGate.SetResult();

        await Assert.ThrowsAsync<ForwarderException>(() => request.WaitAsync(Wait));
        Assert.Empty(_pool.Reserved);
        Assert.Equal(2, _pool.FreeCount);
    }

    [Fact]
    public async Task Request_NoFreeVf_FailsResourceExhaustedFromTheBranchAsWithoutTheEarlyReserve()
    {
        var pool = new FakeVfPool(vfs: 0);
        var chain = ChainBuilder.Build(
        [
            new EarlyReserveElement(pool, NullLogger<EarlyReserveElement>.Instance),
            new ResourcePoolElement(VfDriver.VfioPci, pool, NullLogger<ResourcePoolElement>.Instance),
        ]);

        var error = await Assert.ThrowsAsync<ForwarderException>(() => chain.RequestAsync(VfioRequest(), ChainTestData.Context()));

        Assert.Equal(ForwarderErrorCode.ResourceExhausted, error.Code);
        Assert.Equal(1, pool.ReserveCount);
        Assert.Equal(0, pool.ReleaseCount);
    }

    [Fact]
    public async Task Request_ServedWithoutTheVfioBranch_FreesTheEarlyReservation()
    {
        var chain = Chain(early: true, new CountingElement());

        await chain.RequestAsync(VfioRequest(), ChainTestData.Context());

        Assert.Equal(1, _pool.ReserveCount);
        Assert.Empty(_pool.Reserved);
    }

    [Fact]
    public async Task Request_NotAFirstVfioRequest_ReservesNothingEarly()
    {
        var chain = Chain(early: true, new CountingElement());
        var established = new ConnectionState { Established = true };
        var holding = new ConnectionState { Vf = new VfHolding { VfAddress = "0000:00:02.1", Driver = VfDriver.VfioPci } };

        await chain.RequestAsync(ChainTestData.Request(ChainTestData.Noop(), ChainTestData.Vfio()), ChainTestData.Context());
        await chain.RequestAsync(ChainTestData.Request(ChainTestData.Kernel(token: ""), ChainTestData.Vfio()), ChainTestData.Context());
        await chain.RequestAsync(ChainTestData.Request(ChainTestData.Vfio(token: "")), ChainTestData.Context());
        await chain.RequestAsync(VfioRequest(), ChainTestData.Context(state: established));
        await chain.RequestAsync(VfioRequest(), ChainTestData.Context(state: holding));
        await chain.RequestAsync(VfioRequest(), new ChainContext(ChainTestData.Node, "c-undo", new ConnectionState()) { RollingBack = true });

        Assert.Equal(0, _pool.ReserveCount);
    }

    private IChainNext Chain(bool early, params IChainElement[] rest) => ChainBuilder.Build(
        early ? [new EarlyReserveElement(_pool, NullLogger<EarlyReserveElement>.Instance), .. rest] : rest);

    private ChainSegment VfioBranch(params IChainElement[] after) => new(
    [
        new ResourcePoolElement(VfDriver.VfioPci, _pool, NullLogger<ResourcePoolElement>.Instance),
        new VfioElement(_devices, _cgroups, NullLogger<VfioElement>.Instance),
        .. after,
    ]);

    private MechanismsElement Switch() => new(new Dictionary<string, IChainElement>(StringComparer.Ordinal)
    {
        [MechanismTypes.Vfio] = VfioBranch(new BranchEndElement()),
        [MechanismTypes.Noop] = new ChainSegment(),
    });

    private static Api.Nsm.Networkservice.NetworkServiceRequest VfioRequest()
    {
        var request = ChainTestData.Request();
        request.Connection.Mechanism = ChainTestData.Vfio();
        return request;
    }
}
