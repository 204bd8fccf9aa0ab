using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SriovForwarder.Api.Nsm.Registry;

namespace SriovForwarder.Benchmarks.Endpoint;

/// <summary>The stand-in registry: accepts the forwarder's registration and finds the one NSE.</summary>
public sealed class BenchNsmRegistry(string nseUrl) : NetworkServiceEndpointRegistry.NetworkServiceEndpointRegistryBase
{
    public override Task<NetworkServiceEndpoint> Register(NetworkServiceEndpoint request, ServerCallContext context) => Task.FromResult(request);

    public override Task<Empty> Unregister(NetworkServiceEndpoint request, ServerCallContext context) => Task.FromResult(new Empty());

    public override Task Find(NetworkServiceEndpointQuery request, IServerStreamWriter<NetworkServiceEndpointResponse> responseStream, ServerCallContext context) =>
        responseStream.WriteAsync(new NetworkServiceEndpointResponse
        {
            NetworkServiceEndpoint = new NetworkServiceEndpoint { Name = "nse-1", Url = nseUrl, NetworkServiceNames = { "ns" } },
        });
}
