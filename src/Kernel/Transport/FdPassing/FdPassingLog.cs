using Microsoft.Extensions.Logging;

namespace SriovForwarder.Kernel.Transport.FdPassing;

/// <summary>Log messages of the fd-passing transport.</summary>
internal static partial class FdPassingLog
{
    [LoggerMessage(EventId = 4601, Level = LogLevel.Warning, Message = "Unix socket {EndPoint}: cannot set up an accepted connection: {Reason}")]
    public static partial void ConnectionSetupFailed(ILogger logger, string endPoint, string reason);

    [LoggerMessage(EventId = 4602, Level = LogLevel.Warning, Message = "Unix socket {EndPoint}: the peer passed more file descriptors in one message than fit ({Max}); the rest were dropped by the kernel")]
    public static partial void ControlTruncated(ILogger logger, string endPoint, int max);

    [LoggerMessage(EventId = 4603, Level = LogLevel.Debug, Message = "Unix socket {EndPoint}: connection ended: {Reason}")]
    public static partial void ConnectionEnded(ILogger logger, string endPoint, string reason);
}
