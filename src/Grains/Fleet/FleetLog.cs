using Microsoft.Extensions.Logging;

namespace SriovForwarder.Grains.Fleet;

/// <summary>Log messages of the fleet view (event ids 1500–1599).</summary>
public static partial class FleetLog
{
    [LoggerMessage(EventId = 1501, Level = LogLevel.Warning, Message = "Fleet: cannot read the snapshot of live node {Node}: {Reason}")]
    public static partial void SnapshotFailed(ILogger logger, string node, string reason);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Warning,
        Message = "Node {Node} is stopping but could not tell the fleet ({Reason}); the fleet shows it down once membership does")]
    public static partial void StoppingNotHeard(ILogger logger, string node, string reason);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Information, Message = "Fleet: node {Node} is down ({Reason})")]
    public static partial void NodeDown(ILogger logger, string node, string reason);

    [LoggerMessage(EventId = 1504, Level = LogLevel.Information, Message = "Fleet: node {Node} is live on silo {Silo}")]
    public static partial void NodeLive(ILogger logger, string node, string silo);
}
