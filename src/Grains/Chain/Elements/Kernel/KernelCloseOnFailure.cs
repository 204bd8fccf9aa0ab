using Microsoft.Extensions.Logging;
using SriovForwarder.Api.Nsm.Connection;

namespace SriovForwarder.Grains.Chain.Elements.Kernel;

/// <summary>Upstream's rule for post-action failures: close the rest of the chain (down to the next hop) before failing.</summary>
internal static partial class KernelCloseOnFailure
{
    public static async Task CloseAsync(IChainNext next, Connection result, ChainContext context, Exception cause, ILogger logger)
    {
        try
        {
            await next.CloseAsync(result, context);
        }
        catch (Exception ex)
        {
            LogCloseFailed(logger, context.ConnectionId, cause.Message, ex.Message);
        }
    }

    [LoggerMessage(EventId = 3402, Level = LogLevel.Warning,
        Message = "Connection {ConnectionId} failed ({Cause}); closing the rest of the chain failed too: {Reason}")]
    private static partial void LogCloseFailed(ILogger logger, string connectionId, string cause, string reason);
}
