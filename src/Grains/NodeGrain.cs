using Microsoft.Extensions.DependencyInjection;
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
public sealed partial class NodeGrain(
    [PersistentState("allocations", FileGrainStorageExtensions.NodeJournalStorage)] IPersistentState<NodeAllocationState> allocations,
    [PersistentState("tokenids", FileGrainStorageExtensions.NodeStorage)] IPersistentState<NodeTokenIdsState> tokenIds,
    [PersistentState("health", FileGrainStorageExtensions.NodeStorage)] IPersistentState<Health.NodeHealthState> health,
    Kernel.Health.IFunctionHealthProbe healthProbe,
    INodeInventorySource inventorySource,
    Kernel.Pci.IPciDevices pci,
    TimeProvider time,
    ILogger<NodeGrain> logger) : Grain, INodeGrain
{
    /// <summary>
    /// The least time between two fleet reports: a change is reported in the next turn when the last report is older,
    /// otherwise when this much time has passed since it (changes in between share that report; decision 024).
    /// </summary>
    public static readonly TimeSpan FleetReportSpacing = TimeSpan.FromMilliseconds(10);

    /// <summary>How often the node checks whether its allocation latency changed without a reservation change (a Request ends after its reserve).</summary>
    public static readonly TimeSpan LatencyReportPeriod = TimeSpan.FromSeconds(1);

    /// <summary>How old the sysfs view in a fleet report may be; reports in between carry the cached one (issue 14).</summary>
    public static readonly TimeSpan HardwareViewMaxAge = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a stopping node waits for the fleet to hear that it is going.</summary>
    public static readonly TimeSpan StoppingReportTimeout = TimeSpan.FromSeconds(1);

    private readonly TokenPoolObservers _observers = new(logger);
    private readonly IPersistentState<Health.NodeHealthState> _healthState = health;
    private readonly Kernel.Health.IFunctionHealthProbe _healthProbe = healthProbe;
    private NodeAllocator _allocator = null!;
    private NodeReservations _reservations = null!;
    private KubeletTokens _tokens = null!;
    private DateTimeOffset _activatedAt;
    private IGrainTimer? _fleetReport;
    private IGrainTimer? _hardwareRefresh;
    private IGrainTimer? _latencyCheck;
    private AllocationTimings? _timings;
    private long _reportSequence;
    private long _reportedTimingsVersion = -1;
    private long _lastReportTimestamp;
    private HardwareViewCache _hardwareView = null!;

    private string NodeName => this.GetPrimaryKeyString();

    private ILogger Logger => logger;

    private DateTimeOffset Now => time.GetUtcNow();

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activatedAt = time.GetUtcNow();
        _hardwareView = new HardwareViewCache(time, HardwareViewMaxAge);
        _allocator = await new NodeRestore(inventorySource, pci, logger).RestoreAsync(NodeName, tokenIds, allocations, cancellationToken);
        _reservations = new NodeReservations(_allocator, allocations.State, logger);
        _tokens = new KubeletTokens(_allocator, allocations.State, logger);
        // This node's device plugin, when it runs in this process, hears of changes without Orleans (decision 050).
        _observers.UseLocalSink(ServiceProvider.GetService<ILocalTokenPoolSink>(), NodeName);
        ActivateHealth();
        // Absent where no forwarder chain runs (node-grain-only test clusters): then no latency is reported.
        _timings = ServiceProvider.GetService<AllocationTimings>();
        _latencyCheck = this.RegisterGrainTimer(ReportLatencyIfChangedAsync,
            new GrainTimerCreationOptions { DueTime = LatencyReportPeriod, Period = LatencyReportPeriod, Interleave = false });
        ReportToFleet();
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _latencyCheck?.Dispose();
        _fleetReport?.Dispose();
        _hardwareRefresh?.Dispose();
        // A graceful stop: tell the fleet now rather than leave it to membership, which other silos may hear of late. With
        // no other active silo there is no one to tell (the fleet grain stops with this silo), and trying raced the fleet
        // grain's own deactivation here: when it went first, placement retried until the timeout, a second of the
        // 2 s SIGTERM budget (seen in the shutdown end-to-end test).
        if (reason.ReasonCode != DeactivationReasonCode.ShuttingDown || !AnotherSiloActive())
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<IFleetGrain>(IFleetGrain.Key)
                .NodeStoppingAsync(NodeName, this.RuntimeIdentity)
                .WaitAsync(StoppingReportTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException or OperationCanceledException)
        {
            Fleet.FleetLog.StoppingNotHeard(logger, NodeName, ex.Message);
        }
    }

    private bool AnotherSiloActive()
    {
        var local = ServiceProvider.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        return ServiceProvider.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values
            .Any(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(local));
    }

    /// <inheritdoc />
    public async Task<VfReservation> ReserveAsync(ReserveRequest request)
    {
        ThrowIfUnhealthy(request);
        var (record, changed) = _reservations.Reserve(request, time.GetUtcNow());
        if (changed)
        {
            await SaveAndNotifyAsync();
            CrashPoint.Reach("node.reserve-written");
        }

        // Read after the write, so the reservation is durable whatever the read finds; saves the caller the PF grain's
        // bind and netdev calls when the group is still on this driver (decision 049).
        return request.ReadDriverState
            ? NodeDriverCheck.WithDriverState(record.ToReservation(), _allocator.Inventory, pci)
            : record.ToReservation();
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
    public Task<NodeSnapshot> GetSnapshotAsync() => Task.FromResult(FleetSnapshot());

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetResourceNamesAsync() => Task.FromResult(_tokens.ResourceNames);

    /// <inheritdoc />
    public Task<ResourceDevices> GetDevicesAsync(string resourceName) =>
        Task.FromResult(NodeViews.Devices(NodeName, _allocator, resourceName, _observers.Version, TokenUnusable));

    /// <inheritdoc />
    public Task<ResourceTopology> GetTopologyAsync(string resourceName) =>
        Task.FromResult(ResourceTopologyView.Of(NodeName, _allocator, resourceName, _observers.Version, TokenUnusable));

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

    private NodeSnapshot Snapshot() => NodeViews.Snapshot(NodeName, _allocator, allocations.State, _activatedAt, this.RuntimeIdentity, TokenUnusable);

    // The pod that used this connection is gone. One-way, because the connection's Close calls back into this
    // (non-reentrant) grain to release the VF.
    private void CloseConnection(string connectionId) =>
        GrainFactory.GetGrain<IConnectionGrain>(NodeKeys.For(NodeName, connectionId))
            .CloseAsync(new Api.Nsm.Connection.Connection { Id = connectionId }).Ignore();

    private async Task SaveAndNotifyAsync()
    {
        await allocations.WriteStateAsync();
        await _observers.NotifyAsync(DevicesAt);
        ScheduleFleetReport();
    }

    // Every resource's devices as the plugins' ListAndWatch shows them, built in the changing turn so the plugins need
    // not queue a GetDevicesAsync behind this grain's other work to learn them (decision 042).
    private IReadOnlyList<ResourceDevices> DevicesAt(long version) =>
        [.. _tokens.ResourceNames.Select(name => NodeViews.Devices(NodeName, _allocator, name, version, TokenUnusable))];

    private NodeSnapshot FleetSnapshot()
    {
        var hardware = Inventory.HardwareView.ReadAll(pci, _allocator.Inventory, time.GetUtcNow());
        var report = NodeViews.FleetReport(Snapshot(), hardware, _timings?.Figures() ?? AllocationLatency.None, _reportSequence);
        return report with { Health = _health.Unhealthy(), UnusableVfs = _health.UnusableVfs() };
    }

    // One-way: the fleet view never slows a reservation down, and a lost report is repaired by the next one.
    private void ReportToFleet()
    {
        _reportSequence++;
        _reportedTimingsVersion = _timings?.Version ?? 0;
        _lastReportTimestamp = time.GetTimestamp();
        var snapshot = Snapshot();
        var latency = _timings?.Figures() ?? AllocationLatency.None;
        var (sequence, now, allocator) = (_reportSequence, time.GetUtcNow(), _allocator);
        var (unhealthy, unusable) = (_health.Unhealthy().ToList(), _health.UnusableVfs());
        var fleet = GrainFactory.GetGrain<IFleetGrain>(IFleetGrain.Key);
        var hardwareView = _hardwareView;
        if (!hardwareView.NeedsRead)
        {
            // This report carries the cached sysfs view; one more report once it has aged out carries what changed
            // since (a bind after the reservation), so the fleet's view of drivers and netdevs lags by MaxAge at most.
            ScheduleHardwareRefresh(hardwareView.MaxAge);
        }


        // The pools are read in this turn; the sysfs view of every PF and VF is read off it, so reservations do not wait
        // behind it (issue 14: it cost more than the reservation itself). The fleet keeps the highest sequence, so a
        // report overtaken by a later one is dropped there. The same report feeds this process's VF and token gauges
        // (NodeCounts), so a metrics scrape needs no grain call.
        Task.Run(() =>
        {
            // Health is read in this turn too: its records change only in the grain.
            var hardware = hardwareView.Read(pci, allocator.Inventory, now);
            var report = NodeViews.FleetReport(snapshot, hardware, latency, sequence) with { Health = unhealthy, UnusableVfs = unusable };
            NodeCounts.Publish(report);
            return fleet.ReportAsync(report);
        }).Ignore();
    }

    // A report reads sysfs and walks every PF, token and reservation, so it runs in its own turn after the change (the
    // reservation's caller does not wait for it), at once unless a report went out less than FleetReportSpacing ago.
    private void ScheduleFleetReport()
    {
        if (_fleetReport is not null)
        {
            return;
        }

        var sinceLast = time.GetElapsedTime(_lastReportTimestamp);
        var due = sinceLast >= FleetReportSpacing ? TimeSpan.Zero : FleetReportSpacing - sinceLast;
        _fleetReport = this.RegisterGrainTimer(_ =>
        {
            _fleetReport?.Dispose();
            _fleetReport = null;
            ReportToFleet();
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan });
    }

    // Its own timer, so a pending refresh never holds back the immediate report of the next reservation.
    private void ScheduleHardwareRefresh(TimeSpan after)
    {
        if (_hardwareRefresh is not null)
        {
            return;
        }

        _hardwareRefresh = this.RegisterGrainTimer(_ =>
        {
            _hardwareRefresh?.Dispose();
            _hardwareRefresh = null;
            ScheduleFleetReport();
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions { DueTime = after, Period = Timeout.InfiniteTimeSpan });
    }

    private Task ReportLatencyIfChangedAsync(CancellationToken cancellationToken)
    {
        if (_timings is not null && _timings.Version != _reportedTimingsVersion)
        {
            ScheduleFleetReport();
        }

        return Task.CompletedTask;
    }
}
