using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Grains.Inventory;

namespace SriovForwarder.Grains.Health;

/// <summary>
/// The health state machine of one node's PFs and VFs: each source reports the faults it sees over the functions it
/// covers; a function is healthy when no source sees a fault, a VF is usable when it and its PF are healthy. Plain class:
/// the node grain serialises calls and persists <see cref="NodeHealthState"/>.
/// </summary>
public sealed class NodeHealth
{
    private readonly NodeHealthState _state;
    private readonly Dictionary<string, string> _pfOfVf = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pfs = new(StringComparer.Ordinal);

    /// <summary>Tracks the functions of <paramref name="inventory"/>; records of functions no longer in it are dropped.</summary>
    public NodeHealth(NodeInventory inventory, NodeHealthState state)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        _state = state ?? throw new ArgumentNullException(nameof(state));
        foreach (var pf in inventory.PhysicalFunctions)
        {
            _pfs.Add(pf.Address);
            foreach (var vf in pf.VirtualFunctions)
            {
                _pfOfVf[vf.Address] = pf.Address;
            }
        }

        foreach (var address in _state.Functions.Keys.Where(a => !_pfs.Contains(a) && !_pfOfVf.ContainsKey(a)).ToList())
        {
            _state.Functions.Remove(address);
        }
    }

    /// <summary>The VFs of the node.</summary>
    public IEnumerable<string> VirtualFunctions => _pfOfVf.Keys;

    /// <summary>
    /// Replaces the faults <paramref name="source"/> sees over <paramref name="scope"/> (the functions it looked at) by
    /// <paramref name="faults"/> (address → reason); a function of the scope without an entry is fine for that source.
    /// Addresses outside the node's inventory are ignored.
    /// </summary>
    public HealthChange Apply(string source, IEnumerable<string> scope, IReadOnlyDictionary<string, string> faults, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(faults);
        var before = UnusableVfs();
        var changed = false;
        foreach (var address in scope.Where(IsKnown))
        {
            var fault = faults.GetValueOrDefault(address);
            var record = _state.Functions.GetValueOrDefault(address);
            var had = record?.Faults.GetValueOrDefault(source);
            if (string.Equals(had, fault, StringComparison.Ordinal))
            {
                continue;
            }

            changed = true;
            if (record is null)
            {
                record = new FunctionHealthRecord { IsPhysicalFunction = _pfs.Contains(address), Since = now };
                _state.Functions[address] = record;
            }

            var wasHealthy = record.Faults.Count == 0;
            if (fault is null)
            {
                record.Faults.Remove(source);
            }
            else
            {
                record.Faults[source] = fault;
            }

            if (wasHealthy != (record.Faults.Count == 0))
            {
                record.Since = now;
            }
        }

        if (!changed)
        {
            return HealthChange.None;
        }

        var after = UnusableVfs();
        var turnedUnhealthy = after.Where(vf => !before.ContainsKey(vf.Key)).ToDictionary(vf => vf.Key, vf => vf.Value, StringComparer.Ordinal);
        var turnedHealthy = before.Keys.Where(vf => !after.ContainsKey(vf)).ToList();
        return new HealthChange(true, turnedUnhealthy, turnedHealthy);
    }

    /// <summary>Why the VF cannot be used (its own faults, then its PF's), or null when it can.</summary>
    public string? WhyUnusable(string vfAddress)
    {
        var own = _state.Functions.GetValueOrDefault(vfAddress)?.Reason;
        var pf = _pfOfVf.TryGetValue(vfAddress, out var pfAddress) ? _state.Functions.GetValueOrDefault(pfAddress)?.Reason : null;
        return (own, pf) switch
        {
            (null, null) => null,
            (_, null) => $"VF {vfAddress}: {own}",
            (null, _) => $"PF {pfAddress}: {pf}",
            _ => $"VF {vfAddress}: {own}; PF {pfAddress}: {pf}",
        };
    }

    /// <summary>Every unusable VF with its reason.</summary>
    public IReadOnlyDictionary<string, string> UnusableVfs()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var vf in _pfOfVf.Keys)
        {
            if (WhyUnusable(vf) is { } reason)
            {
                result[vf] = reason;
            }
        }

        return result;
    }

    /// <summary>Every unhealthy PF and VF with its reason and since when, PFs first, for the fleet and the dashboard.</summary>
    public IReadOnlyList<FunctionHealth> Unhealthy() =>
        _state.Functions
            .Where(f => f.Value.Faults.Count > 0)
            .OrderBy(f => f.Value.IsPhysicalFunction ? 0 : 1)
            .ThenBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => new FunctionHealth(
                f.Key,
                f.Value.IsPhysicalFunction ? f.Key : _pfOfVf[f.Key],
                f.Value.IsPhysicalFunction,
                f.Value.Reason!,
                f.Value.Since))
            .ToList();

    private bool IsKnown(string address) => _pfs.Contains(address) || _pfOfVf.ContainsKey(address);
}
