using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Grains.Outbound;

/// <summary>
/// Calls the next hop's <c>NetworkService</c> at a URL (<c>unix:///path</c> or <c>tcp://host:port</c>),
/// dialling within the configured dial timeout; implemented by <see cref="NextHopClient"/>.
/// </summary>
public interface INextHopClient
{
    /// <summary>
    /// Requests the connection from the next hop, giving it <paramref name="deadline"/> (the caller's, passed on as
    /// upstream does; null: the configured call timeout). Throws <see cref="ForwarderException"/> with the next hop's
    /// own status code when it refuses, Unavailable or DeadlineExceeded when it cannot be reached in time.
    /// </summary>
    Task<Connection> RequestAsync(string url, NetworkServiceRequest request, DateTime? deadline, CancellationToken cancellationToken);

    /// <summary>Closes the connection at the next hop.</summary>
    Task CloseAsync(string url, Connection connection, CancellationToken cancellationToken);
}
