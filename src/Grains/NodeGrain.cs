using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Utilities;
using SriovForwarder.Grains.Allocation;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Grains.Inventory;
using SriovForwarder.Grains.Node;
using SriovForwarder.Grains.Placement;
using SriovForwarder.Grains.Storage;
using SriovForwarder.Kernel.Diagnostics;

namespace SriovForwarder.Grains;

/// <summary>
/// One node's inventory, token pool and VF reservations. Thin: the pools do the work; the grain
/// serialises calls, persists reservations on the node and tells token-pool observers about changes.
/// </summary>
[NodeBoundPlacement, Immovable]
public sealed partial class NodeGrain(
    [PersistentState("allocations", FileGrainStorageExtensions.NodeStorage)] IPersistentState<NodeAllocationState> allocations,
    [PersistentState("tokenids", FileGrainStorageExtensions.NodeStorage)] IPersistentState<NodeTokenIdsState> tokenIds,
    INodeInventorySource inventorySource,
    Kernel.Pci.IPciDevices pci,
    TimeProvider time,
    ILogger<NodeGrain> logger) : Grain, INodeGrain
{
    /// <summary>How long after a change the fleet hears of it (changes in between share one report).</summary>
    public static readonly TimeSpan FleetReportDelay = TimeSpan.FromMilliseconds(250);

    private readonly ObserverManager<ITokenPoolObserver> _observers = new(TokenPoolSubscription.Lifetime, logger);
    private NodeAllocator _allocator = null!;
    private DateTimeOffset _activatedAt;
    private long _version;
    private IGrainTimer? _fleetReport;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activatedAt = time.GetUtcNow();
        var inventory = await inventorySource.LoadAsync(cancellationToken);
        _allocator = new NodeAllocator(inventory, tokenIds.State.TokenIds);
        if (_allocator.TokenIdsChanged)
        {
            tokenIds.State.TokenIds = [.. _allocator.CreatedTokenIds];
            await tokenIds.WriteStateAsync(cancellationToken);
        }

        var problems = _allocator.Restore(allocations.State);
        foreach (var problem in problems)
        {
            LogRestoreProblem(logger, this.GetPrimaryKeyString(), problem);
        }

        ReconcileWithSysfs(inventory);
        if (problems.Count > 0)
        {
            await allocations.WriteStateAsync(cancellationToken);
        }

        LogActivated(logger, this.GetPrimaryKeyString(), inventory.PhysicalFunctions.Count, _allocator.Pool.Count, allocations.State.Reservations.Count);
        ReportToFleet();
    }

    /// <inheritdoc />
    public async Task<VfReservation> ReserveAsync(ReserveRequest request)
    {
        VfSelection selection;
        try
        {
            selection = _allocator.Pool.Select(request.TokenId, request.ConnectionId, request.Driver);
        }
        catch (AllocationException ex)
        {
            throw ex.ToGrainException();
        }

        var existing = FindRecord(request.ConnectionId);
        if (selection.IsRefresh && existing is not null)
        {
            return existing.ToReservation();
        }

        if (existing is not null)
        {
            allocations.State.Reservations.Remove(existing);
        }

        var record = ReservationRecord.Of(selection, _allocator.Tokens.Find(request.TokenId), request.Driver, time.GetUtcNow());
        allocations.State.Reservations.Add(record);
        await SaveAndNotifyAsync();
        CrashPoint.Reach("node.reserve-written");
        return record.ToReservation();
    }

    /// <inheritdoc />
    public async Task<bool> ReleaseAsync(string connectionId)
    {
        var record = FindRecord(connectionId);
        if (record is null)
        {
            return false;
        }

        _allocator.Pool.Free(record.VfAddress);
        allocations.State.Reservations.Remove(record);
        await SaveAndNotifyAsync();
        CrashPoint.Reach("node.release-written");
        return true;
    }

    /// <inheritdoc />
    public async Task<ReservationReconcileReport> ReconcileReservationsAsync(IReadOnlyList<HeldVf> held, DateTimeOffset reservedBefore, bool adopt)
    {
        var report = ReservationReconciliation.Apply(_allocator, allocations.State, held, reservedBefore, adopt, time.GetUtcNow());
        foreach (var reservation in report.Released)
        {
            LogReclaimed(logger, reservation.VfAddress, reservation.ConnectionId, reservation.TokenId);
        }

        foreach (var owner in report.Adopted)
        {
            LogAdopted(logger, owner.VfAddress, owner.ConnectionId);
        }

        if (report.Released.Count > 0 || report.Adopted.Count > 0)
        {
            await SaveAndNotifyAsync();
        }

        return report;
    }

    /// <inheritdoc />
    public Task<VfReservation?> GetReservationAsync(string connectionId) =>
        Task.FromResult(FindRecord(connectionId)?.ToReservation());

    /// <inheritdoc />
    public Task<NodeSnapshot> GetSnapshotAsync() => Task.FromResult(Snapshot());

    private NodeSnapshot Snapshot()
    {
        var (pfs, resources, groups) = _allocator.Summarise();
        var reservations = allocations.State.Reservations.Select(r => r.ToReservation()).ToList();
        return new NodeSnapshot(this.GetPrimaryKeyString(), pfs, resources, reservations, groups, _activatedAt, this.RuntimeIdentity);
    }

    // One-way: the fleet view never slows a reservation down, and a lost report is repaired by the next one.
    private void ReportToFleet() => GrainFactory.GetGrain<IFleetGrain>(IFleetGrain.Key).ReportAsync(Snapshot()).Ignore();

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

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetResourceNamesAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. _allocator.Tokens.Names]);

    /// <inheritdoc />
    public Task<ResourceDevices> GetDevicesAsync(string resourceName)
    {
        if (!_allocator.Tokens.Tokens().TryGetValue(resourceName, out var tokens))
        {
            throw new VfAllocationException(VfAllocationFailure.InvalidRequest, $"node {this.GetPrimaryKeyString()} offers no resource named {resourceName}");
        }

        var numa = NumaNodeOf(resourceName);
        var devices = tokens.Select(t => new TokenDevice(t.Key, t.Value, numa)).ToList();
        return Task.FromResult(new ResourceDevices(resourceName, devices, _version));
    }

    /// <inheritdoc />
    public async Task AllocateTokensAsync(string resourceName, IReadOnlyList<string> tokenIds)
    {
        if (tokenIds.Count == 0)
        {
            throw new VfAllocationException(VfAllocationFailure.InvalidRequest, $"allocate request for {resourceName} names no device ids");
        }

        // Check everything first so that a failure allocates nothing.
        foreach (var id in tokenIds)
        {
            if (!_allocator.Tokens.Contains(id))
            {
                throw new VfAllocationException(VfAllocationFailure.UnknownToken, $"token doesn't exist: {id} (resource {resourceName})");
            }

            var name = _allocator.Tokens.Find(id);
            if (name != resourceName)
            {
                throw new VfAllocationException(VfAllocationFailure.InvalidRequest, $"token {id} belongs to resource {name}, not {resourceName}");
            }

            if (_allocator.Tokens.GetState(id) == TokenState.Closed)
            {
                throw new VfAllocationException(VfAllocationFailure.TokenClosed, $"token is closed: {name}:{id}");
            }
        }

        foreach (var id in tokenIds)
        {
            _allocator.Tokens.Allocate(id);
            if (!allocations.State.AllocatedTokenIds.Contains(id))
            {
                allocations.State.AllocatedTokenIds.Add(id);
            }
        }

        await SaveAndNotifyAsync();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> FreeTokensAsync(IReadOnlyList<string> tokenIds)
    {
        var unknown = new List<string>();
        foreach (var id in tokenIds)
        {
            if (!_allocator.Tokens.Contains(id))
            {
                unknown.Add(id);
                continue;
            }

            _allocator.Tokens.Free(id);
            allocations.State.AllocatedTokenIds.Remove(id);
            if (allocations.State.Reservations.Find(r => r.TokenId == id) is { } held)
            {
                CloseForGonePod(held);
            }
        }

        if (unknown.Count < tokenIds.Count)
        {
            await SaveAndNotifyAsync();
        }

        return unknown;
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetAllocatedTokensAsync()
    {
        // Activation forgets persisted ids the configuration no longer offers, so every id here has a name.
        var byResource = allocations.State.AllocatedTokenIds
            .GroupBy(_allocator.Tokens.Find, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g], StringComparer.Ordinal);
        return Task.FromResult<IReadOnlyDictionary<string, IReadOnlyList<string>>>(byResource);
    }

    /// <inheritdoc />
    public async Task RestoreTokensAsync(IReadOnlyDictionary<string, IReadOnlyList<string>> tokensByResource)
    {
        var changed = false;
        foreach (var (name, ids) in tokensByResource)
        {
            foreach (var id in ids)
            {
                if (!_allocator.Tokens.Contains(id) || _allocator.Tokens.Find(id) != name)
                {
                    LogUnknownRestoredToken(logger, id, name);
                    continue;
                }

                if (_allocator.Tokens.GetState(id) == TokenState.Free)
                {
                    _allocator.Tokens.Allocate(id);
                    allocations.State.AllocatedTokenIds.Add(id);
                    changed = true;
                }
            }
        }

        if (changed)
        {
            await SaveAndNotifyAsync();
        }
    }

    /// <inheritdoc />
    public Task SubscribeAsync(ITokenPoolObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task UnsubscribeAsync(ITokenPoolObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    // Kubelet no longer lists the token for any pod: the pod that used this connection is gone. One-way, because the
    // connection's Close calls back into this (non-reentrant) grain to release the VF.
    private void CloseForGonePod(ReservationRecord held)
    {
        LogPodGone(logger, held.ConnectionId, held.TokenId, held.VfAddress);
        var key = NodeKeys.For(this.GetPrimaryKeyString(), held.ConnectionId);
        GrainFactory.GetGrain<IConnectionGrain>(key).CloseAsync(new Api.Nsm.Connection.Connection { Id = held.ConnectionId }).Ignore();
    }

    private ReservationRecord? FindRecord(string connectionId) =>
        allocations.State.Reservations.Find(r => r.ConnectionId == connectionId);

    private async Task SaveAndNotifyAsync()
    {
        await allocations.WriteStateAsync();
        var version = ++_version;
        await _observers.Notify(observer => observer.OnTokensChangedAsync(version));
        ScheduleFleetReport();
    }

    private int NumaNodeOf(string resourceName)
    {
        var nodes = _allocator.Inventory.PhysicalFunctions
            .Where(pf => pf.ResourceNames.Contains(resourceName, StringComparer.Ordinal))
            .Select(pf => pf.NumaNode)
            .Distinct()
            .ToList();
        return nodes.Count == 1 ? nodes[0] : -1;
    }

    // The persisted reservations are the truth for who holds a VF; a fresh sysfs read tells whether the driver still matches.
    private void ReconcileWithSysfs(NodeInventory inventory)
    {
        foreach (var record in allocations.State.Reservations)
        {
            var pf = inventory.Find(record.PfAddress)!;
            var expected = record.Driver == VfDriver.VfioPci ? Kernel.Pci.DriverBinding.VfioPci : pf.VfKernelDriver;
            var actual = pci.GetFunction(record.VfAddress).Driver;
            if (actual != expected)
            {
                LogDriverMismatch(logger, record.VfAddress, record.ConnectionId, expected, actual ?? "none");
            }
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information,
        Message = "Node grain {Node} active: {PfCount} PFs, {VfCount} VFs, {ReservationCount} reservations restored")]
    private static partial void LogActivated(ILogger logger, string node, int pfCount, int vfCount, int reservationCount);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Node {Node}: {Problem}")]
    private static partial void LogRestoreProblem(ILogger logger, string node, string problem);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning,
        Message = "VF {VfAddress} is reserved by connection {ConnectionId} for driver {Expected} but sysfs shows {Actual}; the connection's next refresh rebinds it")]
    private static partial void LogDriverMismatch(ILogger logger, string vfAddress, string connectionId, string expected, string actual);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning,
        Message = "Reclaimed VF {VfAddress}: reserved for connection {ConnectionId} (token {TokenId}), which records no such VF (a crash came between the two writes)")]
    private static partial void LogReclaimed(ILogger logger, string vfAddress, string connectionId, string tokenId);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning,
        Message = "Reserved VF {VfAddress} again for connection {ConnectionId}, which records it (a crash came inside a refresh)")]
    private static partial void LogAdopted(ILogger logger, string vfAddress, string connectionId);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information,
        Message = "Connection {ConnectionId} holds VF {VfAddress} through token {TokenId}, which kubelet no longer lists for any pod; closing it")]
    private static partial void LogPodGone(ILogger logger, string connectionId, string tokenId, string vfAddress);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning,
        Message = "Pod resources list token {TokenId} for {Resource}, which this node does not know; ignored")]
    private static partial void LogUnknownRestoredToken(ILogger logger, string tokenId, string resource);
}
