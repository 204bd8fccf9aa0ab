using Orleans.Runtime.MembershipService.SiloMetadata;
using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Grains.Fleet;

/// <summary>
/// Which nodes run on a live silo, from one membership snapshot: a node is live while an active silo carries its
/// <c>nsm.node</c> metadata or hosts the node's grain (the silo its report names), unless its node grain said the silo
/// is stopping; a node that is not live gets the reason membership gives.
/// </summary>
public sealed class FleetLiveness
{
    private readonly HashSet<string> _activeSilos = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SiloStatus> _silos = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ClusterMember> _departedByName = new(StringComparer.Ordinal);

    /// <summary>The liveness membership shows now.</summary>
    public FleetLiveness(ClusterMembershipSnapshot membership, ISiloMetadataCache metadata)
    {
        ArgumentNullException.ThrowIfNull(membership);
        ArgumentNullException.ThrowIfNull(metadata);
        Version = membership.Version;
        foreach (var member in membership.Members.Values)
        {
            foreach (var name in NamesOf(member.SiloAddress))
            {
                _silos[name] = member.Status;
            }

            if (member.Status != SiloStatus.Active)
            {
                // A silo is named after its node (SiloOptions.SiloName), and membership keeps a departed silo's entry
                // (until it is defunct): a fleet grain activated after the departure still knows the node was there.
                // Of several departed silos of one node (restarts), the latest generation is the one that ran it last.
                if (!string.IsNullOrEmpty(member.Name)
                    && (!_departedByName.TryGetValue(member.Name, out var known) || known.SiloAddress.Generation < member.SiloAddress.Generation))
                {
                    _departedByName[member.Name] = member;
                }

                continue;
            }

            _activeSilos.UnionWith(NamesOf(member.SiloAddress));
            if (metadata.GetSiloMetadata(member.SiloAddress).Metadata.TryGetValue(NodeKeys.SiloMetadataKey, out var node))
            {
                _nodes.Add(node);
            }
        }
    }

    /// <summary>The membership version this was computed from.</summary>
    public MembershipVersion Version { get; }

    /// <summary>The nodes whose silo's metadata names them.</summary>
    public IReadOnlyCollection<string> NodesByMetadata => _nodes;

    /// <summary>Nodes whose silo left (stopped or declared dead) and that no active silo runs now.</summary>
    public IEnumerable<string> DepartedNodes => _departedByName.Keys.Where(n => !_nodes.Contains(n));

    /// <summary>Null when <paramref name="node"/> is live, else why it is not.</summary>
    public string? DownReason(string node, string? reportingSilo, string? stoppedSilo)
    {
        if (stoppedSilo is not null)
        {
            return "stopped: its silo is shutting down";
        }

        if (_nodes.Contains(node) || (reportingSilo is not null && _activeSilos.Contains(reportingSilo)))
        {
            return null;
        }

        if (reportingSilo is not null && _silos.TryGetValue(reportingSilo, out var status))
        {
            return Reason(status);
        }

        // Not reported to this activation (it moved after the node's silo left): membership's entry by name tells why.
        return _departedByName.TryGetValue(node, out var departed) ? Reason(departed.Status) : "no live silo runs it";
    }

    /// <summary>The silo that last ran <paramref name="node"/>, from membership, when the node has departed; else null.</summary>
    public string? DepartedSilo(string node) =>
        !_nodes.Contains(node) && _departedByName.TryGetValue(node, out var departed) ? departed.SiloAddress.ToString() : null;

    private static string Reason(SiloStatus status) => status switch
    {
        SiloStatus.Dead => "dead: membership declared its silo dead",
        SiloStatus.ShuttingDown or SiloStatus.Stopping => "stopped: its silo is shutting down",
        _ => $"its silo is {status}",
    };

    // A node grain names its silo by its runtime identity; the forms differ between Orleans versions, so every form counts.
    private static IEnumerable<string> NamesOf(SiloAddress silo) => [silo.ToString(), silo.ToParsableString()];
}
