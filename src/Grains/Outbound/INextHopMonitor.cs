using SriovForwarder.Api.Nsm.Connection;

namespace SriovForwarder.Grains.Outbound;

/// <summary>
/// Watches the next hop's <c>MonitorConnection</c> on the channel the connections' Requests use, for the monitor relay
/// (§6.9: one stream per next hop, decision 045); implemented by <see cref="NextHopClient"/>. A next-hop client without it
/// (a test double) means no relay.
/// </summary>
public interface INextHopMonitor
{
    /// <summary>
    /// The next hop's events in the scope of <paramref name="selector"/>, until it ends the stream (which ends the
    /// enumeration) or fails (a <see cref="Grpc.Core.RpcException"/> with its status), or <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    IAsyncEnumerable<ConnectionEvent> MonitorAsync(string url, MonitorScopeSelector selector, CancellationToken cancellationToken);
}
