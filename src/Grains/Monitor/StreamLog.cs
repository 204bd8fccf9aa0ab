using Microsoft.Extensions.Logging;

namespace SriovForwarder.Grains.Monitor;

/// <summary>Log messages of the shared monitor streams to the next hops (§6.9, decision 045).</summary>
internal static partial class StreamLog
{
    [LoggerMessage(EventId = 8850, Level = LogLevel.Debug, Message = "Watching the next hop's monitor at {Url} for every connection with segment {Name}")]
    public static partial void Opened(ILogger logger, string url, string name);

    [LoggerMessage(EventId = 8851, Level = LogLevel.Warning,
        Message = "The next hop's monitor stream at {Url} broke ({Reason}); published {Count} connection(s) DOWN until their next Request; the stream reopens after {Delay} when a connection needs it")]
    public static partial void Broken(ILogger logger, string url, string reason, int count, TimeSpan delay);

    [LoggerMessage(EventId = 8852, Level = LogLevel.Information,
        Message = "The next hop at {Url} does not implement MonitorConnection: its events are not relayed, and it is not asked again")]
    public static partial void NotOffered(ILogger logger, string url);

    [LoggerMessage(EventId = 8853, Level = LogLevel.Debug, Message = "Closed the next hop's monitor stream at {Url}: no connection used it for the linger")]
    public static partial void Closed(ILogger logger, string url);

    [LoggerMessage(EventId = 8854, Level = LogLevel.Information,
        Message = "The next hop at {Url} refused one monitor stream for all our connections ({Detail}); watching it with a stream per connection")]
    public static partial void SharedRefused(ILogger logger, string url, string detail);
}
