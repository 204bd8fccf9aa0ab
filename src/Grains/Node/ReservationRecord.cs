using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Node;

/// <summary>A persisted VF reservation (the node's source of truth across restarts).</summary>
[GenerateSerializer, Alias("sriov.ReservationRecord")]
public sealed class ReservationRecord
{
    [Id(0)] public string ConnectionId { get; set; } = string.Empty;
    [Id(1)] public string TokenId { get; set; } = string.Empty;
    [Id(2)] public string ResourceName { get; set; } = string.Empty;
    [Id(3)] public string PfAddress { get; set; } = string.Empty;
    [Id(4)] public string VfAddress { get; set; } = string.Empty;
    [Id(5)] public int VfNumber { get; set; }
    [Id(6)] public int IommuGroup { get; set; }
    [Id(7)] public VfDriver Driver { get; set; }
    [Id(8)] public DateTimeOffset ReservedAt { get; set; }

    /// <summary>The record of a VF the pool selected for a connection through a token of <paramref name="resourceName"/>.</summary>
    public static ReservationRecord Of(Allocation.VfSelection selection, string resourceName, VfDriver driver, DateTimeOffset reservedAt) => new()
    {
        ConnectionId = selection.ConnectionId,
        TokenId = selection.TokenId,
        ResourceName = resourceName,
        PfAddress = selection.PfAddress,
        VfAddress = selection.VfAddress,
        VfNumber = selection.VfNumber,
        IommuGroup = selection.IommuGroup,
        Driver = driver,
        ReservedAt = reservedAt,
    };

    /// <summary>The wire form handed to callers.</summary>
    public VfReservation ToReservation() =>
        new(ConnectionId, TokenId, ResourceName, PfAddress, VfAddress, VfNumber, IommuGroup, Driver, ReservedAt);
}
