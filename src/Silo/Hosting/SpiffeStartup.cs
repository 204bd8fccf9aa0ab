using SriovForwarder.Security.Spiffe.WorkloadApi;
using SriovForwarder.Silo.Configuration;

namespace SriovForwarder.Silo.Hosting;

/// <summary>
/// The start-up phase "retrieve SPIFFE SVID": with SPIFFE_ENDPOINT_SOCKET set, waits for our first X.509-SVID or
/// refuses to start naming the agent; unset, says loudly that NSM traffic is plaintext.
/// </summary>
public static partial class SpiffeStartup
{
    /// <summary>The source of our SVID, streaming for the process's life; null in plaintext mode.</summary>
    /// <exception cref="StartupRefusedException">The setting is malformed, or no SVID came in time.</exception>
    public static async Task<WorkloadApiSvidSource?> StartAsync(ForwarderSettings settings, ILoggerFactory loggerFactory, ILogger logger, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(settings.SpiffeEndpointSocket))
        {
            LogPlaintext(logger);
            return null;
        }

        WorkloadApiSvidSource source;
        try
        {
            source = new WorkloadApiSvidSource(
                new WorkloadApiOptions { EndpointSocket = settings.SpiffeEndpointSocket, FirstSvidTimeout = settings.SpiffeStartTimeout },
                loggerFactory.CreateLogger<WorkloadApiSvidSource>());
        }
        catch (ArgumentException e)
        {
            throw new StartupRefusedException($"SPIFFE_ENDPOINT_SOCKET={settings.SpiffeEndpointSocket}: {e.Message}", e);
        }

        try
        {
            await source.StartAsync(cancellationToken);
            return source;
        }
        catch (WorkloadApiUnavailableException e)
        {
            await source.DisposeAsync();
            throw new StartupRefusedException(e.Message, e);
        }
        catch
        {
            await source.DisposeAsync();
            throw;
        }
    }

    [LoggerMessage(EventId = 7020, Level = LogLevel.Warning,
        Message = "SPIFFE_ENDPOINT_SOCKET is not set: NSM gRPC (our socket, NSM_LISTEN_ON_TCP, registry, next hop) runs PLAINTEXT, without mutual TLS; peers are not authenticated. A real NSM needs SPIRE: set SPIFFE_ENDPOINT_SOCKET")]
    private static partial void LogPlaintext(ILogger logger);
}
