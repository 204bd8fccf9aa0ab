using System.Collections.Concurrent;
using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SriovForwarder.Api.Nsm.Registry;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>The registry half of the stand-in NSMgr: records Register/Unregister, answers non-watch Finds from a fixed list.</summary>
public sealed class StandInRegistry : NetworkServiceEndpointRegistry.NetworkServiceEndpointRegistryBase
{
    public ConcurrentBag<NetworkServiceEndpoint> Endpoints { get; } = [];

    public Channel<NetworkServiceEndpoint> Registrations { get; } = Channel.CreateUnbounded<NetworkServiceEndpoint>();

    public Channel<NetworkServiceEndpoint> Unregistrations { get; } = Channel.CreateUnbounded<NetworkServiceEndpoint>();

    /// <summary>When set, shortens the granted expiration to now + this, as NSMgr does with its token lifetime.</summary>
    public TimeSpan? GrantedLifetime { get; set; }

    public override Task<NetworkServiceEndpoint> Register(NetworkServiceEndpoint request, ServerCallContext context)
    {
        Registrations.Writer.TryWrite(request);
        var returned = request.Clone();
        if (GrantedLifetime is { } lifetime)
        {
            returned.ExpirationTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow + lifetime);
        }

        return Task.FromResult(returned);
    }

    public override Task<Empty> Unregister(NetworkServiceEndpoint request, ServerCallContext context)
    {
        Unregistrations.Writer.TryWrite(request);
        return Task.FromResult(new Empty());
    }

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
