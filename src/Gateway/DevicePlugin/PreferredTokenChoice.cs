using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>
/// GetPreferredAllocation's choice for one container (decision 033). The must-include ids always come first; the rest is
/// filled one id at a time with the best remaining available id, ranked by: healthy (a closed token fails Allocate), on the
/// target NUMA node(s), not held by a pod or connection in the node's records, on the PF least picked so far (spread), and
/// finally the resource's token order, so the same state gives the same answer.
/// </summary>
/// <remarks>
/// A token that holds a VF is on that VF's PF. One that holds none is bound to no PF: a Request through it takes a free VF
/// of any PF offering the name, so it "fits" the target while the target still has free VFs not yet counted for an earlier
/// pick. The target is the NUMA node(s) of the must-include tokens that hold VFs; without such a token, the node with the
/// most free VFs of the resource (where the whole allocation is likeliest to fit); none when the NUMA nodes are unknown.
/// </remarks>
public static class PreferredTokenChoice
{
    /// <summary>The preferred ids (exactly <see cref="PreferredAllocationAsk.Size"/>, must-include first) and the target NUMA nodes.</summary>
    public static PreferredChoice Choose(PreferredAllocationAsk ask, ResourceTopology topology)
    {
        ArgumentNullException.ThrowIfNull(ask);
        ArgumentNullException.ThrowIfNull(topology);
        var tokens = topology.Tokens.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var order = topology.Tokens.Select((t, i) => (t.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        var numaOf = topology.PhysicalFunctions.ToDictionary(pf => pf.Address, pf => pf.NumaNode, StringComparer.Ordinal);
        var must = ask.MustInclude.Select(id => tokens[id]).ToList();
        var target = Target(must, topology, numaOf);
        var state = new PickState(numaOf, target)
        {
            Budget = topology.PhysicalFunctions.Where(pf => target.Contains(pf.NumaNode)).Sum(pf => pf.FreeVfs),
        };
        var chosen = new List<string>(ask.Size);
        foreach (var token in must)
        {
            state.Take(token);
            chosen.Add(token.Id);
        }

        var mustIds = ask.MustInclude.ToHashSet(StringComparer.Ordinal);
        var remaining = ask.Available.Where(id => !mustIds.Contains(id)).Select(id => tokens[id]).OrderBy(t => order[t.Id]).ToList();
        while (chosen.Count < ask.Size)
        {
            var best = remaining.MinBy(t => state.Rank(t, order[t.Id]))!;
            remaining.Remove(best);
            state.Take(best);
            chosen.Add(best.Id);
        }

        return new PreferredChoice(chosen, target.Order().ToList());
    }

    private static HashSet<int> Target(List<TopologyToken> must, ResourceTopology topology, Dictionary<string, int> numaOf)
    {
        var held = must
            .Where(t => t.PfAddress is not null)
            .Select(t => numaOf.GetValueOrDefault(t.PfAddress!, -1))
            .Where(n => n >= 0)
            .ToHashSet();
        if (held.Count > 0)
        {
            return held;
        }

        var roomiest = topology.PhysicalFunctions
            .Where(pf => pf.NumaNode >= 0)
            .GroupBy(pf => pf.NumaNode)
            .Select(g => (Node: g.Key, Free: g.Sum(pf => pf.FreeVfs)))
            .Where(x => x.Free > 0)
            .OrderByDescending(x => x.Free)
            .ThenBy(x => x.Node)
            .ToList();
        return roomiest.Count == 0 ? [] : [roomiest[0].Node];
    }

    private sealed class PickState(Dictionary<string, int> numaOf, HashSet<int> target)
    {
        private readonly Dictionary<string, int> _picksPerPf = new(StringComparer.Ordinal);

        // Free VFs on the target not yet counted for a pick that holds no VF.
        public int Budget { get; set; }

        public (int Unhealthy, int OffTarget, int Held, int PfPicks, int Order) Rank(TopologyToken token, int order) => (
            token.Healthy ? 0 : 1,
            Fits(token) ? 0 : 1,
            token.Held ? 1 : 0,
            token.PfAddress is null ? 0 : _picksPerPf.GetValueOrDefault(token.PfAddress),
            order);

        public void Take(TopologyToken token)
        {
            if (token.PfAddress is null)
            {
                Budget = Math.Max(0, Budget - 1);
                return;
            }

            _picksPerPf[token.PfAddress] = _picksPerPf.GetValueOrDefault(token.PfAddress) + 1;
        }

        private bool Fits(TopologyToken token) =>
            target.Count == 0
            || (token.PfAddress is null ? Budget > 0 : target.Contains(numaOf.GetValueOrDefault(token.PfAddress, -1)));
    }
}
