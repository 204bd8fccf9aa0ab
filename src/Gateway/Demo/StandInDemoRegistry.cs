using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SriovForwarder.Api.Nsm.Registry;

namespace SriovForwarder.Gateway.Demo;

/// <summary>
/// DEMO STAND-IN, not NSM: the registry of the embedded demo control plane. It takes the forwarder's registration (and
/// keeps nothing of it but the name), and answers endpoint look-ups with the one sample endpoint
/// (<see cref="StandInDemoEndpoint"/>) listening at <paramref name="endpointUrl"/>.
/// </summary>
public sealed class StandInDemoRegistry(string endpointUrl) : NetworkServiceEndpointRegistry.NetworkServiceEndpointRegistryBase
{
    /// <summary>The names of the endpoints (the forwarder) registered now.</summary>
    public ConcurrentDictionary<string, DateTimeOffset> Registered { get; } = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override Task<NetworkServiceEndpoint> Register(NetworkServiceEndpoint request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Registered[request.Name] = DateTimeOffset.UtcNow;
        return Task.FromResult(request.Clone());
    }

    /// <inheritdoc />
    public override Task<Empty> Unregister(NetworkServiceEndpoint request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Registered.TryRemove(request.Name, out _);
        return Task.FromResult(new Empty());
    }

    /// <inheritdoc />
    public override async Task Find(NetworkServiceEndpointQuery request, IServerStreamWriter<NetworkServiceEndpointResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        var query = request.NetworkServiceEndpoint ?? new NetworkServiceEndpoint();
        if ((query.Name.Length == 0 || query.Name == StandInDemoEndpoint.Name)
            && query.NetworkServiceNames.All(n => n == StandInDemoEndpoint.NetworkServiceName))
        {
            await responseStream.WriteAsync(new NetworkServiceEndpointResponse
            {
                NetworkServiceEndpoint = new NetworkServiceEndpoint
                {
                    Name = StandInDemoEndpoint.Name,
                    Url = endpointUrl,
                    NetworkServiceNames = { StandInDemoEndpoint.NetworkServiceName },
                },
            });
        }
    }
}
