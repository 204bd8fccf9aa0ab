using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Grains.Chain;

/// <summary>
/// Start-up step for the host: activates the connection grain of every VF reservation of this node,
/// so that after a restart their cgroup grants are restored and their expiry timers run again even
/// if no client ever refreshes them.
/// </summary>
public static class ConnectionRecovery
{
    /// <summary>Activates the connections holding VFs on <paramref name="node"/>; returns how many.</summary>
    public static async Task<int> ActivateConnectionsAsync(IGrainFactory grains, string node)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var snapshot = await grains.GetGrain<INodeGrain>(node).GetSnapshotAsync();
        foreach (var reservation in snapshot.Reservations)
        {
            await grains.GetGrain<IConnectionGrain>(NodeKeys.For(node, reservation.ConnectionId)).GetAsync();
        }

        return snapshot.Reservations.Count;
    }
}
