using SriovForwarder.Api.Nsm.Registry;

namespace SriovForwarder.Grains.Outbound;

/// <summary>Reads the NSM registry at <c>NSM_CONNECT_TO</c> for next-hop discovery; implemented by <see cref="RegistryClient"/>.</summary>
public interface INsmRegistryClient
{
    /// <summary>The endpoints whose name is <paramref name="name"/> (a non-watch Find).</summary>
    Task<IReadOnlyList<NetworkServiceEndpoint>> FindEndpointsByNameAsync(string name, CancellationToken cancellationToken);

    /// <summary>The network services named <paramref name="name"/> with the given payload.</summary>
    Task<IReadOnlyList<NetworkService>> FindNetworkServicesAsync(string name, string payload, CancellationToken cancellationToken);

    /// <summary>The endpoints that serve the network service <paramref name="networkService"/>.</summary>
    Task<IReadOnlyList<NetworkServiceEndpoint>> FindEndpointsByServiceAsync(string networkService, CancellationToken cancellationToken);
}
