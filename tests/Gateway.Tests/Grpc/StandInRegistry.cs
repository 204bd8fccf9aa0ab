using Grpc.Core;
using SriovForwarder.Api.Nsm.Registry;

namespace SriovForwarder.Gateway.Tests.Grpc;

/// <summary>A stand-in endpoint registry answering non-watch Finds by name or network service from a fixed list.</summary>
public sealed class StandInRegistry : NetworkServiceEndpointRegistry.NetworkServiceEndpointRegistryBase
{
    public List<NetworkServiceEndpoint> Endpoints { get; } = [];

    public override async Task Find(NetworkServiceEndpointQuery request, IServerStreamWriter<NetworkServiceEndpointResponse> responseStream, ServerCallContext context)
    {
        var query = request.NetworkServiceEndpoint;
        foreach (var endpoint in Endpoints)
        {
            if ((query.Name.Length == 0 || query.Name == endpoint.Name)
                && query.NetworkServiceNames.All(endpoint.NetworkServiceNames.Contains))
            {
                await responseStream.WriteAsync(new NetworkServiceEndpointResponse { NetworkServiceEndpoint = endpoint });
            }
        }
    }
}
