namespace SriovForwarder.Grains.Node;

/// <summary>What the reconcile passes of this process have done so far, by kind of action (for logs and metrics).</summary>
public sealed class ReconcileCounters
{
    private long _rolledBack;
    private long _clientGone;
    private long _released;
    private long _adopted;
    private long _refused;

    /// <summary>First Requests or Closes cut short by a crash and undone.</summary>
    public long RolledBack => Interlocked.Read(ref _rolledBack);

    /// <summary>Established connections closed because their client was gone.</summary>
    public long ClientGone => Interlocked.Read(ref _clientGone);

    /// <summary>Reservations released for want of an owner.</summary>
    public long ReleasedReservations => Interlocked.Read(ref _released);

    /// <summary>Reservations made again for the connection that records them.</summary>
    public long AdoptedReservations => Interlocked.Read(ref _adopted);

    /// <summary>Connections closed because their recorded VF could not be reserved again.</summary>
    public long RefusedReservations => Interlocked.Read(ref _refused);

    internal void Add(long rolledBack, long clientGone, long released, long adopted, long refused)
    {
        Interlocked.Add(ref _rolledBack, rolledBack);
        Interlocked.Add(ref _clientGone, clientGone);
        Interlocked.Add(ref _released, released);
        Interlocked.Add(ref _adopted, adopted);
        Interlocked.Add(ref _refused, refused);
    }
}
