using Google.Protobuf.WellKnownTypes;
using SriovForwarder.Api.Fleet.V1;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Gateway.Fleet;

/// <summary>Adds a node's device health (issue 13) to the fleet API's PF and VF messages: the reasons and since when.</summary>
public static class FleetHealthMessages
{
    /// <summary>Fills the health fields of <paramref name="pf"/> and its VFs from <paramref name="snapshot"/>.</summary>
    public static void AddHealth(PhysicalFunction pf, NodeSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(pf);
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Health?.FirstOrDefault(h => h.IsPhysicalFunction && h.Address == pf.Address) is { } health)
        {
            pf.HealthReason = health.Reason;
            pf.UnhealthySince = Timestamp.FromDateTimeOffset(health.Since);
        }

        var unusable = snapshot.UnusableVfs ?? new Dictionary<string, string>();
        foreach (var vf in pf.VirtualFunctions)
        {
            if (unusable.TryGetValue(vf.Address, out var reason))
            {
                vf.HealthReason = reason;
                pf.UnhealthyVfs++;
            }
        }
    }
}
