using Microsoft.Extensions.Logging;
using SriovForwarder.Grains.Allocation;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Node;

/// <summary>
/// The connection side of a node: reserves and releases VFs in the pool and keeps the persisted reservation records in
/// step. Changes <paramref name="state"/> only; the node grain writes it and tells observers.
/// </summary>
public sealed class NodeReservations(NodeAllocator allocator, NodeAllocationState state, ILogger logger)
{
    /// <summary>The connection's record, or null.</summary>
    public ReservationRecord? Find(string connectionId) => state.Reservations.Find(r => r.ConnectionId == connectionId);

    /// <summary>
    /// Selects a VF for the request; returns the record and whether it is new (false for a refresh that keeps its VF).
    /// </summary>
    /// <exception cref="Interfaces.VfAllocationException">The pool refused (unknown or closed token, no free VF...).</exception>
    public (ReservationRecord Record, bool Changed) Reserve(ReserveRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        VfSelection selection;
        try
        {
            selection = allocator.Pool.Select(request.TokenId, request.ConnectionId, request.Driver);
        }
        catch (AllocationException ex)
        {
            throw ex.ToGrainException();
        }

        var existing = Find(request.ConnectionId);
        if (selection.IsRefresh && existing is not null)
        {
            existing.KeepOwner(request.Owner);
            return (existing, false);
        }

        if (existing is not null)
        {
            state.Reservations.Remove(existing);
        }

        var record = ReservationRecord.Of(selection, allocator.Tokens.Find(request.TokenId), request.Driver, now, request.Owner);
        state.Reservations.Add(record);
        return (record, true);
    }

    /// <summary>Frees the connection's VF; false when it held none.</summary>
    public bool Release(string connectionId)
    {
        var record = Find(connectionId);
        if (record is null)
        {
            return false;
        }

        allocator.Pool.Free(record.VfAddress);
        state.Reservations.Remove(record);
        return true;
    }

    /// <summary>Makes the reservations agree with their owners' records (decision 007) and logs each change.</summary>
    public ReservationReconcileReport Reconcile(IReadOnlyList<HeldVf> held, DateTimeOffset reservedBefore, bool adopt, DateTimeOffset now)
    {
        var report = ReservationReconciliation.Apply(allocator, state, held, reservedBefore, adopt, now);
        foreach (var reservation in report.Released)
        {
            NodeLog.Reclaimed(logger, reservation.VfAddress, reservation.ConnectionId, reservation.TokenId);
        }

        foreach (var owner in report.Adopted)
        {
            NodeLog.Adopted(logger, owner.VfAddress, owner.ConnectionId);
        }

        return report;
    }
}
