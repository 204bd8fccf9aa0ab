using Microsoft.Extensions.Logging;
using Orleans.Placement;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Grains.Inventory;
using SriovForwarder.Grains.Node;
using SriovForwarder.Grains.Placement;
using SriovForwarder.Grains.Storage;
using SriovForwarder.Grains.Telemetry;
using SriovForwarder.Kernel.Diagnostics;

namespace SriovForwarder.Grains;

/// <summary>
/// One node's inventory, token pool and VF reservations. Thin: <see cref="NodeRestore"/>, <see cref="NodeReservations"/>,
/// <see cref="KubeletTokens"/> and <see cref="NodeViews"/> do the work; the grain serialises calls, persists what they
/// change on the node, tells token-pool observers (<see cref="TokenPoolObservers"/>) and reports to the fleet.
/// </summary>
[NodeBoundPlacement, Immovable]
public sealed class NodeGrain(
    [PersistentState("allocations", FileGrainStorageExtensions.NodeStorage)] IPersistentState<NodeAllocationState> allocations,
    [PersistentState("tokenids", FileGrainStorageExtensions.NodeStorage)] IPersistentState<NodeTokenIdsState> tokenIds,
    INodeInventorySource inventorySource,
    Kernel.Pci.IPciDevices pci,
    TimeProvider time,
    ILogger<NodeGrain> logger) : Grain, INodeGrain
{
    /// <summary>How long after a change the fleet hears of it (changes in between share one report).</summary>
    public static readonly TimeSpan FleetReportDelay = TimeSpan.FromMilliseconds(250);

    private readonly TokenPoolObservers _observers = new(logger);
    private NodeAllocator _allocator = null!;
    private NodeReservations _reservations = null!;
    private KubeletTokens _tokens = null!;
    private DateTimeOffset _activatedAt;
    private IGrainTimer? _fleetReport;

    private string NodeName => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activatedAt = time.GetUtcNow();
        _allocator = await new NodeRestore(inventorySource, pci, logger).RestoreAsync(NodeName, tokenIds, allocations, cancellationToken);
        _reservations = new NodeReservations(_allocator, allocations.State, logger);
        _tokens = new KubeletTokens(_allocator, allocations.State, logger);
        ReportToFleet();
    }

    /// <inheritdoc />
    public async Task<VfReservation> ReserveAsync(ReserveRequest request)
    {
        var (record, changed) = _reservations.Reserve(request, time.GetUtcNow());
        if (changed)
        {
            await SaveAndNotifyAsync();
            CrashPoint.Reach("node.reserve-written");
        }

        return record.ToReservation();
    }

    /// <inheritdoc />
    public async Task<bool> ReleaseAsync(string connectionId)
    {
        if (!_reservations.Release(connectionId))
        {
            return false;
        }

        await SaveAndNotifyAsync();
        CrashPoint.Reach("node.release-written");
        return true;
    }

    /// <inheritdoc />
    public async Task<ReservationReconcileReport> ReconcileReservationsAsync(IReadOnlyList<HeldVf> held, DateTimeOffset reservedBefore, bool adopt)
    {
        var report = _reservations.Reconcile(held, reservedBefore, adopt, time.GetUtcNow());
        if (report.Released.Count > 0 || report.Adopted.Count > 0)
        {
            await SaveAndNotifyAsync();
        }

        return report;
    }

    /// <inheritdoc />
    public Task<VfReservation?> GetReservationAsync(string connectionId) =>
        Task.FromResult(_reservations.Find(connectionId)?.ToReservation());

    /// <inheritdoc />
    public Task<NodeSnapshot> GetSnapshotAsync() => Task.FromResult(Snapshot());

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetResourceNamesAsync() => Task.FromResult(_tokens.ResourceNames);

    /// <inheritdoc />
    public Task<ResourceDevices> GetDevicesAsync(string resourceName) =>
        Task.FromResult(NodeViews.Devices(NodeName, _allocator, resourceName, _observers.Version));

    /// <inheritdoc />
    public async Task AllocateTokensAsync(string resourceName, IReadOnlyList<string> tokenIds)
    {
        _tokens.Allocate(resourceName, tokenIds);
        await SaveAndNotifyAsync();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> FreeTokensAsync(IReadOnlyList<string> tokenIds)
    {
        var (unknown, heldByGonePods) = _tokens.Free(tokenIds);
        foreach (var held in heldByGonePods)
        {
            CloseConnection(held.ConnectionId);
        }

        if (unknown.Count < tokenIds.Count)
        {
            await SaveAndNotifyAsync();
        }

        return unknown;
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetAllocatedTokensAsync() => Task.FromResult(_tokens.Allocated());

    /// <inheritdoc />
    public async Task RestoreTokensAsync(IReadOnlyDictionary<string, IReadOnlyList<string>> tokensByResource)
    {
        if (_tokens.Restore(tokensByResource))
        {
            await SaveAndNotifyAsync();
        }
    }

    /// <inheritdoc />
    public Task SubscribeAsync(ITokenPoolObserver observer)
    {
        _observers.Subscribe(observer);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task UnsubscribeAsync(ITokenPoolObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    private NodeSnapshot Snapshot() => NodeViews.Snapshot(NodeName, _allocator, allocations.State, _activatedAt, this.RuntimeIdentity);

    // The pod that used this connection is gone. One-way, because the connection's Close calls back into this
    // (non-reentrant) grain to release the VF.
    private void CloseConnection(string connectionId) =>
        GrainFactory.GetGrain<IConnectionGrain>(NodeKeys.For(NodeName, connectionId))
            .CloseAsync(new Api.Nsm.Connection.Connection { Id = connectionId }).Ignore();

    private async Task SaveAndNotifyAsync()
    {
        await allocations.WriteStateAsync();
        await _observers.NotifyAsync();
        ScheduleFleetReport();
    }

    // One-way: the fleet view never slows a reservation down, and a lost report is repaired by the next one.
    // The same snapshot feeds this process's VF and token gauges (NodeCounts), so a metrics scrape needs no grain call.
    private void ReportToFleet()
    {
        var snapshot = Snapshot();
        NodeCounts.Publish(snapshot);
        GrainFactory.GetGrain<IFleetGrain>(IFleetGrain.Key).ReportAsync(snapshot).Ignore();
    }

    // A snapshot walks every PF, resource and reservation: too much for each reserve and release, so changes within
    // FleetReportDelay share one report, sent from a timer outside the reservation's turn.
    private void ScheduleFleetReport()
    {
        if (_fleetReport is not null)
        {
            return;
        }

        _fleetReport = this.RegisterGrainTimer(_ =>
        {
            _fleetReport?.Dispose();
            _fleetReport = null;
            ReportToFleet();
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions { DueTime = FleetReportDelay, Period = Timeout.InfiniteTimeSpan });
    }
}
