using SriovForwarder.Grains.Health;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains;

/// <summary>
/// The node grain's device health (issue 13): one state per PF and VF from the link watcher and the sysfs reconcile,
/// persisted in its own state file, and its effects in the same turn as the report: unusable VFs fenced off from
/// selection, their tokens Unhealthy for kubelet, the fleet told, each live connection on an affected VF told.
/// </summary>
public sealed partial class NodeGrain
{
    private NodeHealth _health = null!;
    private Dictionary<string, string> _netdevPfs = [];
    private IReadOnlyDictionary<string, SysfsFault> _lastSysfsPass = new Dictionary<string, SysfsFault>();

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetPhysicalFunctionNetdevsAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. _netdevPfs.Keys]);

    /// <inheritdoc />
    public async Task ReportLinksAsync(IReadOnlyList<LinkReport> links)
    {
        ArgumentNullException.ThrowIfNull(links);
        var scope = new List<string>();
        var faults = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var link in links)
        {
            if (_netdevPfs.TryGetValue(link.Netdev, out var pf))
            {
                scope.Add(pf);
                if (link.Fault is { } fault)
                {
                    faults[pf] = fault;
                }
            }
        }

        await ApplyHealthAsync(_health.Apply(HealthSources.Link, scope, faults, Now));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<FunctionHealth>> CheckHealthAsync()
    {
        var pass = SysfsHealthCheck.Run(_allocator.Inventory, _allocator.Pool.Snapshot(), _healthProbe);
        // A driver or VFIO node that differs only counts when the previous pass saw it too: a rebind in progress looks the same.
        var faults = pass
            .Where(f => f.Value.Settled || _lastSysfsPass.ContainsKey(f.Key))
            .ToDictionary(f => f.Key, f => f.Value.Reason, StringComparer.Ordinal);
        _lastSysfsPass = pass;
        var scope = _allocator.Inventory.PhysicalFunctions.Select(pf => pf.Address).Concat(_health.VirtualFunctions);
        await ApplyHealthAsync(_health.Apply(HealthSources.Sysfs, scope, faults, Now));
        return _health.Unhealthy();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<FunctionHealth>> GetHealthAsync() => Task.FromResult(_health.Unhealthy());

    private void ActivateHealth()
    {
        _health = new NodeHealth(_allocator.Inventory, _healthState.State);
        _netdevPfs = _allocator.Inventory.PhysicalFunctions
            .Where(pf => pf.NetInterface is not null)
            .ToDictionary(pf => pf.NetInterface!, pf => pf.Address, StringComparer.Ordinal);
        foreach (var (vf, reason) in _health.UnusableVfs())
        {
            _allocator.Pool.SetUsable(vf, usable: false);
            // A connection republishes itself as UP when it activates after a restart; this DOWN follows that.
            TellHolder(vf, reason);
        }
    }

    // One pass for every effect, so kubelet, the fleet and the connections hear of the same state.
    private async Task ApplyHealthAsync(HealthChange change)
    {
        if (!change.RecordsChanged)
        {
            return;
        }

        await _healthState.WriteStateAsync();
        foreach (var (vf, reason) in change.TurnedUnhealthy)
        {
            _allocator.Pool.SetUsable(vf, usable: false);
            HealthLog.VfUnhealthy(Logger, NodeName, vf, reason);
            TellHolder(vf, reason);
        }

        foreach (var vf in change.TurnedHealthy)
        {
            _allocator.Pool.SetUsable(vf, usable: true);
            HealthLog.VfHealthy(Logger, NodeName, vf);
            TellHolder(vf, null);
        }

        if (change.VfsChanged)
        {
            await _observers.NotifyAsync(DevicesAt);
        }

        // Health changes come with hardware changes (carrier, driver, device gone): the next report reads sysfs again.
        _hardwareView.MarkStale();
        ScheduleFleetReport();
    }

    private void TellHolder(string vfAddress, string? fault)
    {
        if (_allocator.Pool.Snapshot().VirtualFunctions.FirstOrDefault(v => v.Address == vfAddress)?.ConnectionId is { } connectionId)
        {
            GrainFactory.GetGrain<IConnectionGrain>(NodeKeys.For(NodeName, connectionId)).VfHealthChangedAsync(vfAddress, fault).Ignore();
        }
    }

    // The token's VF is the one it holds, or else the one it was made for: a token kubelet shows Unhealthy is refused here too.
    private string? WhyTokenUnusable(string tokenId) =>
        _allocator.Pool.TryGetByToken(tokenId, out var held)
            ? _health.WhyUnusable(held.VfAddress)
            : _allocator.Tokens.HomeVfOf(tokenId) is { } home ? _health.WhyUnusable(home) : null;

    private bool TokenUnusable(string tokenId) => WhyTokenUnusable(tokenId) is not null;

    private void ThrowIfUnhealthy(ReserveRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (WhyTokenUnusable(request.TokenId) is { } reason)
        {
            throw new VfAllocationException(VfAllocationFailure.Unhealthy, $"token {request.TokenId} is unhealthy: {reason}");
        }
    }
}
