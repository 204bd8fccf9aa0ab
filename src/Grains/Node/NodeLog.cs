using Microsoft.Extensions.Logging;

namespace SriovForwarder.Grains.Node;

/// <summary>The node grain's log lines (category <see cref="NodeGrain"/>), shared by the classes that do its work.</summary>
internal static partial class NodeLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information,
        Message = "Node grain {Node} active: {PfCount} PFs, {VfCount} VFs, {ReservationCount} reservations restored")]
    public static partial void Activated(ILogger logger, string node, int pfCount, int vfCount, int reservationCount);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Node {Node}: {Problem}")]
    public static partial void RestoreProblem(ILogger logger, string node, string problem);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning,
        Message = "VF {VfAddress} is reserved by connection {ConnectionId} for driver {Expected} but sysfs shows {Actual} (a bind the last process did not finish); binding its IOMMU group again")]
    public static partial void DriverMismatch(ILogger logger, string vfAddress, string connectionId, string expected, string actual);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Information,
        Message = "Bound IOMMU group {IommuGroup} of reserved VF {VfAddress} to {Driver} again")]
    public static partial void DriverRepaired(ILogger logger, int iommuGroup, string vfAddress, string driver);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning,
        Message = "Could not bind IOMMU group {IommuGroup} of reserved VF {VfAddress} to {Driver} again: {Reason}; device health reports it until the connection's next refresh or Close")]
    public static partial void DriverRepairFailed(ILogger logger, int iommuGroup, string vfAddress, string driver, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning,
        Message = "Pod resources list token {TokenId} for {Resource}, which this node does not know; ignored")]
    public static partial void UnknownRestoredToken(ILogger logger, string tokenId, string resource);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning,
        Message = "Reclaimed VF {VfAddress}: reserved for connection {ConnectionId} (token {TokenId}), which records no such VF (a crash came between the two writes)")]
    public static partial void Reclaimed(ILogger logger, string vfAddress, string connectionId, string tokenId);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning,
        Message = "Reserved VF {VfAddress} again for connection {ConnectionId}, which records it (a crash came inside a refresh)")]
    public static partial void Adopted(ILogger logger, string vfAddress, string connectionId);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information,
        Message = "Connection {ConnectionId} holds VF {VfAddress} through token {TokenId}, which kubelet no longer lists for any pod; closing it")]
    public static partial void PodGone(ILogger logger, string connectionId, string tokenId, string vfAddress);
}
