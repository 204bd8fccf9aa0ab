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

    // Who holds the VF (for the fleet view); absent in records written before owners were kept, and for adopted VFs.
    [Id(9)] public string? Client { get; set; }
    [Id(10)] public string? NetworkService { get; set; }
    [Id(11)] public string? Mechanism { get; set; }

    /// <summary>The record of a VF the pool selected for a connection through a token of <paramref name="resourceName"/>.</summary>
    public static ReservationRecord Of(Allocation.VfSelection selection, string resourceName, VfDriver driver, DateTimeOffset reservedAt, VfOwner? owner = null) => new()
    {
        Client = owner?.Client,
        NetworkService = owner?.NetworkService,
        Mechanism = owner?.Mechanism,
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
        new(ConnectionId, TokenId, ResourceName, PfAddress, VfAddress, VfNumber, IommuGroup, Driver, ReservedAt, OwnerOrNull());

    /// <summary>The owner as recorded, or null when the record has none.</summary>
    public VfOwner? OwnerOrNull() => Client is null ? null : new VfOwner(Client, NetworkService ?? string.Empty, Mechanism ?? string.Empty);

    /// <summary>Keeps the owner a refresh names when the record has none (an adopted VF, or a record from before owners were kept).</summary>
    public void KeepOwner(VfOwner? owner)
    {
        if (Client is null && owner is not null)
        {
            Client = owner.Client;
            NetworkService = owner.NetworkService;
            Mechanism = owner.Mechanism;
        }
    }
}
