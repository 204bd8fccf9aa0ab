namespace SriovForwarder.Grains.Node;

/// <summary>What one reconcile pass found and did.</summary>
/// <param name="Live">Established connections whose client is there.</param>
/// <param name="RolledBack">Cut-short Requests or Closes undone.</param>
/// <param name="ClientGone">Connections closed because their client was gone.</param>
/// <param name="Released">Reservations released for want of an owner.</param>
/// <param name="Adopted">Reservations made again for their owner.</param>
/// <param name="Refused">Connections closed because their VF could not be reserved again.</param>
public sealed record ReconcilePassResult(int Live, int RolledBack, int ClientGone, int Released, int Adopted, int Refused)
{
    /// <summary>Whether the pass changed anything.</summary>
    public bool ChangedAnything => RolledBack + ClientGone + Released + Adopted + Refused > 0;
}
