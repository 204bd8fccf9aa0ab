using Microsoft.Extensions.Logging;
using Orleans.Runtime.MembershipService.SiloMetadata;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Fleet;

/// <summary>
/// The fleet view: the latest snapshot each node grain pushed, with the capacity computed from it, and liveness from
/// cluster membership and from node grains that say their silo is stopping (<see cref="FleetLiveness"/>). Watchers hear
/// of each report and each liveness change at once. Soft state only: a node that is live but has not reported since
/// this activation (the fleet grain moved after its silo left) is asked for its snapshot.
/// </summary>
public sealed class FleetGrain(
    IClusterMembershipService membership,
    ISiloMetadataCache metadata,
    TimeProvider time,
    ILogger<FleetGrain> logger) : Grain, IFleetGrain
{
    /// <summary>How often membership is compared with what watchers were told (a silo declared dead shows down within this).</summary>
    public static readonly TimeSpan MembershipCheckPeriod = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a rebuild waits for a live node's snapshot before listing the node without one.</summary>
    public static readonly TimeSpan SnapshotTimeout = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, FleetEntry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _stoppedSilo = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _toldLive = new(StringComparer.Ordinal);
    private readonly FleetCapacityIndex _index = new();
    private FleetWatchers _watchers = null!;
    private FleetLiveness? _liveness;
    private MembershipVersion? _checkedVersion;
    private MembershipVersion? _completeAt;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _watchers = new FleetWatchers(logger);
        // A new activation may follow a silo that just stopped: read the membership table rather than trust this silo's
        // view, which hears of the stop by gossip that can be lost (then only at the next table refresh).
        await membership.Refresh(cancellationToken: cancellationToken);
        this.RegisterGrainTimer(CheckMembershipAsync, new GrainTimerCreationOptions
        {
            DueTime = MembershipCheckPeriod,
            Period = MembershipCheckPeriod,
            Interleave = false,
        });
    }

    /// <inheritdoc />
    public async Task ReportAsync(NodeSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (_entries.TryGetValue(snapshot.Node, out var known) && known.IsNewerThan(snapshot))
        {
            return;
        }

        Store(FleetEntry.Of(snapshot, time.GetUtcNow()), known);
        if (_stoppedSilo.TryGetValue(snapshot.Node, out var stopped) && stopped != snapshot.Silo)
        {
            _stoppedSilo.Remove(snapshot.Node);
        }

        await TellAsync(snapshot.Node);
    }

    /// <inheritdoc />
    public async Task NodeStoppingAsync(string node, string silo)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);
        _stoppedSilo[node] = silo;
        await TellAsync(node);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<FleetNode>> GetNodesAsync()
    {
        await FetchMissingAsync();
        var liveness = Liveness();
        return [.. Known(liveness)
            .Order(StringComparer.Ordinal)
            .Select(n => View(n, liveness))];
    }

    /// <inheritdoc />
    public async Task<FleetNode?> GetNodeAsync(string node)
    {
        await FetchMissingAsync();
        var liveness = Liveness();
        return Known(liveness).Contains(node, StringComparer.Ordinal) ? View(node, liveness) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> FindNodesAsync(string resourceName, int count) =>
        [.. (await FindAsync(resourceName, count, null, IFleetGrain.DefaultFindLimit)).Select(m => m.Node)];

    /// <inheritdoc />
    public async Task<IReadOnlyList<FleetMatch>> FindAsync(string resourceName, int count, VfDriver? driver, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await FetchMissingAsync();
        var liveness = Liveness();
        return _index.Best(resourceName, count, driver, limit, node =>
            liveness.DownReason(node, _entries[node].Snapshot.Silo, _stoppedSilo.GetValueOrDefault(node)) is null);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> GetResourceNamesAsync()
    {
        await FetchMissingAsync();
        return [.. _index.ResourceNames.Order(StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public Task<bool> SubscribeAsync(IFleetObserver observer) => Task.FromResult(_watchers.Subscribe(observer));

    /// <inheritdoc />
    public Task UnsubscribeAsync(IFleetObserver observer)
    {
        _watchers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    // Every node this activation can name: those that reported, those on an active silo, and those whose silo left
    // (a new activation after a kill must show the killed node down, not forget it).
    private IEnumerable<string> Known(FleetLiveness liveness) =>
        _entries.Keys.Union(liveness.NodesByMetadata, StringComparer.Ordinal).Union(liveness.DepartedNodes, StringComparer.Ordinal);

    private FleetLiveness Liveness()
    {
        var snapshot = membership.CurrentSnapshot;
        if (_liveness is null || _liveness.Version != snapshot.Version)
        {
            _liveness = new FleetLiveness(snapshot, metadata);
        }

        return _liveness;
    }

    private FleetNode View(string node, FleetLiveness liveness)
    {
        var entry = _entries.GetValueOrDefault(node);
        var down = liveness.DownReason(node, entry?.Snapshot.Silo, _stoppedSilo.GetValueOrDefault(node));
        return new FleetNode(node, down is null, entry?.At, entry?.Snapshot, down, entry is null ? liveness.DepartedSilo(node) : null);
    }

    // Tells watchers of the node's state now and logs a change of liveness.
    private async Task TellAsync(string node)
    {
        var view = View(node, Liveness());
        if (_toldLive.TryGetValue(node, out var wasLive) ? wasLive != view.Live : !view.Live)
        {
            if (view.Live)
            {
                FleetLog.NodeLive(logger, node, view.Snapshot?.Silo ?? "?");
            }
            else
            {
                FleetLog.NodeDown(logger, node, view.DownReason ?? "?");
            }
        }

        _toldLive[node] = view.Live;
        if (_watchers.Any)
        {
            await _watchers.TellAsync(view);
        }
    }

    // Membership changed (a silo joined, stopped or was declared dead): tell watchers of each node whose liveness changed.
    private async Task CheckMembershipAsync(CancellationToken cancellationToken)
    {
        // Its own record of what it compared: any call (a report, a read) refreshes _liveness, and a membership change
        // seen first by such a call must still be told to watchers here.
        var liveness = Liveness();
        if (_checkedVersion == liveness.Version)
        {
            return;
        }

        _checkedVersion = liveness.Version;
        foreach (var node in Known(liveness).ToList())
        {
            var live = liveness.DownReason(node, _entries.GetValueOrDefault(node)?.Snapshot.Silo, _stoppedSilo.GetValueOrDefault(node)) is null;
            if (!_toldLive.TryGetValue(node, out var told) || told != live)
            {
                await TellAsync(node);
            }
        }
    }

    // The node's entry and its place in the capacity index, replacing what was known.
    private void Store(FleetEntry entry, FleetEntry? replaced)
    {
        _entries[entry.Snapshot.Node] = entry;
        _index.Update(entry.Snapshot.Node, replaced?.Capacity, entry.Capacity);
    }

    // Live nodes that have not reported to this activation are asked, all at once and each for a bounded time. Entries are
    // never dropped, so once every node of a membership version has one, nothing is missing until membership changes:
    // a read then costs no walk over the fleet.
    private async Task FetchMissingAsync()
    {
        var liveness = Liveness();
        if (_completeAt == liveness.Version)
        {
            return;
        }

        var missing = liveness.NodesByMetadata.Where(n => !_entries.ContainsKey(n)).ToList();
        if (missing.Count == 0)
        {
            _completeAt = liveness.Version;
            return;
        }

        var fetched = await Task.WhenAll(missing.Select(FetchAsync));
        foreach (var snapshot in fetched.OfType<NodeSnapshot>())
        {
            var known = _entries.GetValueOrDefault(snapshot.Node);
            if (known is null || !known.IsNewerThan(snapshot))
            {
                Store(FleetEntry.Of(snapshot, time.GetUtcNow()), known);
            }
        }
    }

    private async Task<NodeSnapshot?> FetchAsync(string node)
    {
        try
        {
            return await GrainFactory.GetGrain<INodeGrain>(node).GetSnapshotAsync().WaitAsync(SnapshotTimeout);
        }
        catch (Exception ex) when (ex is NodeUnavailableException or TimeoutException or OrleansException)
        {
            FleetLog.SnapshotFailed(logger, node, ex.Message);
            return null;
        }
    }
}
