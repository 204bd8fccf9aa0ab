namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>Asks a node for a VF for one connection, paid for with one device-plugin token; the owner is shown in the fleet.</summary>
/// <remarks>
/// With <see cref="ReadDriverState"/> the node also reads whether the VF's IOMMU group is already bound to
/// <see cref="Driver"/> and ready, and says so in <see cref="VfReservation.DriverReady"/> (the resourcepool element asks,
/// to skip the PF grain's bind when nothing needs binding; decision 049).
/// </remarks>
[GenerateSerializer, Immutable, Alias("sriov.ReserveRequest")]
public sealed record ReserveRequest(
    [property: Id(0)] string ConnectionId,
    [property: Id(1)] string TokenId,
    [property: Id(2)] VfDriver Driver,
    [property: Id(3)] VfOwner? Owner = null,
    [property: Id(4)] bool ReadDriverState = false);
