using Grpc.Core;
using Microsoft.Extensions.Options;
using SriovForwarder.Api.Nsm.Registry;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Gateway.NextHop;

/// <summary>Non-watch <c>Find</c> calls on the NSM registry at <c>NSM_CONNECT_TO</c>, for next-hop discovery.</summary>
public sealed class RegistryClient(IOptions<NextHopOptions> options) : INsmRegistryClient, IDisposable
{
    private readonly NextHopOptions _options = options.Value;
    private readonly ChannelCache _channels = new(TimeSpan.FromMilliseconds(300));

    /// <inheritdoc />
    public Task<IReadOnlyList<NetworkServiceEndpoint>> FindEndpointsByNameAsync(string name, CancellationToken cancellationToken) =>
        FindEndpointsAsync(new NetworkServiceEndpoint { Name = name }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<NetworkServiceEndpoint>> FindEndpointsByServiceAsync(string networkService, CancellationToken cancellationToken) =>
        FindEndpointsAsync(new NetworkServiceEndpoint { NetworkServiceNames = { networkService } }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<NetworkService>> FindNetworkServicesAsync(string name, string payload, CancellationToken cancellationToken)
    {
        var url = _options.ConnectTo;
        try
        {
            var client = new NetworkServiceRegistry.NetworkServiceRegistryClient(Channel(url));
            using var call = client.Find(
                new NetworkServiceQuery { NetworkService = new NetworkService { Name = name, Payload = payload } },
                deadline: DateTime.UtcNow + _options.RegistryTimeout,
                cancellationToken: cancellationToken);
            var result = new List<NetworkService>();
            await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                if (!response.Deleted && response.NetworkService is not null)
                {
                    result.Add(response.NetworkService);
                }
            }

            return result;
        }
        catch (RpcException ex)
        {
            _channels.Drop(url);
            throw RpcErrors.From(ex, "the registry's network service Find", url);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _channels.Dispose();

    private async Task<IReadOnlyList<NetworkServiceEndpoint>> FindEndpointsAsync(NetworkServiceEndpoint query, CancellationToken cancellationToken)
    {
        var url = _options.ConnectTo;
        try
        {
            var client = new NetworkServiceEndpointRegistry.NetworkServiceEndpointRegistryClient(Channel(url));
            using var call = client.Find(
                new NetworkServiceEndpointQuery { NetworkServiceEndpoint = query },
                deadline: DateTime.UtcNow + _options.RegistryTimeout,
                cancellationToken: cancellationToken);
            var result = new List<NetworkServiceEndpoint>();
            await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                if (!response.Deleted && response.NetworkServiceEndpoint is not null)
                {
                    result.Add(response.NetworkServiceEndpoint);
                }
            }

            return result;
        }
        catch (RpcException ex)
        {
            _channels.Drop(url);
            throw RpcErrors.From(ex, "the registry's endpoint Find", url);
        }
    }

    private global::Grpc.Net.Client.GrpcChannel Channel(string url)
    {
        try
        {
            return _channels.Get(url);
        }
        catch (ArgumentException ex)
        {
            throw RpcErrors.BadUrl(url, "the registry", ex);
        }
    }
}
