using Microsoft.Extensions.Logging;

namespace SriovForwarder.Grains.Monitor;

/// <summary>Log messages of the monitor relay from the next hop (§6.9).</summary>
internal static partial class NextHopRelayLog
{
    [LoggerMessage(EventId = 7202, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: relaying the next hop's monitor events from {Url}")]
    public static partial void Started(ILogger logger, string connectionId, string url);

    [LoggerMessage(EventId = 7203, Level = LogLevel.Warning,
        Message = "Connection {ConnectionId}: the next hop's monitor stream at {Url} broke ({Reason}); published the connection as DOWN until the next Request")]
    public static partial void Broken(ILogger logger, string connectionId, string url, string reason);

    [LoggerMessage(EventId = 7204, Level = LogLevel.Debug,
        Message = "Connection {ConnectionId}: the next hop at {Url} does not implement MonitorConnection; nothing to relay")]
    public static partial void NotOffered(ILogger logger, string connectionId, string url);
}
