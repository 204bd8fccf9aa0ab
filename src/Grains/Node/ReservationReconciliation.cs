using SriovForwarder.Grains.Allocation;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Node;

/// <summary>
/// Makes a node's reservations agree with what their owners record (decision 007). The node writes a reservation
/// before the connection records its VF, and releases one before the connection forgets it, so after a crash a
/// reservation may lack an owner (released here) or an owner may lack its reservation (made again here).
/// </summary>
public static class ReservationReconciliation
{
    /// <summary>
    /// Applies the owners' view to <paramref name="state"/> and the pool; returns what changed. Reservations made from
    /// <paramref name="reservedBefore"/> on are left alone: their owners were asked before they reserved. Missing
    /// reservations are made again only when <paramref name="adopt"/> (at start, before a Close can race the pass).
    /// </summary>
    public static ReservationReconcileReport Apply(
        NodeAllocator allocator, NodeAllocationState state, IReadOnlyList<HeldVf> held, DateTimeOffset reservedBefore, bool adopt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(held);
        var owners = held.ToDictionary(h => h.ConnectionId, StringComparer.Ordinal);
        var released = new List<VfReservation>();
        foreach (var record in state.Reservations.ToList())
        {
            if (record.ReservedAt >= reservedBefore
                || (owners.TryGetValue(record.ConnectionId, out var owner) && owner.VfAddress == record.VfAddress && owner.TokenId == record.TokenId))
            {
                continue;
            }

            allocator.Pool.Free(record.VfAddress);
            state.Reservations.Remove(record);
            released.Add(record.ToReservation());
        }

        var adopted = new List<HeldVf>();
        var refused = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var owner in adopt ? held : [])
        {
            if (state.Reservations.Exists(r => r.ConnectionId == owner.ConnectionId))
            {
                continue;
            }

            try
            {
                var selection = allocator.Pool.Reserve(owner.TokenId, owner.ConnectionId, owner.Driver, owner.VfAddress);
                state.Reservations.Add(ReservationRecord.Of(selection, allocator.Tokens.Find(owner.TokenId), owner.Driver, now));
                adopted.Add(owner);
            }
            catch (AllocationException ex)
            {
                refused[owner.ConnectionId] = ex.Message;
            }
        }

        return new ReservationReconcileReport(released, adopted, refused);
    }
}
