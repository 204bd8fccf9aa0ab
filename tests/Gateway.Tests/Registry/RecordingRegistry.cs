using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SriovForwarder.Api.Nsm.Registry;

namespace SriovForwarder.Gateway.Tests.Registry;

/// <summary>A stand-in NSMgr registry that records every Register and Unregister with the time it arrived.</summary>
public sealed class RecordingRegistry : NetworkServiceEndpointRegistry.NetworkServiceEndpointRegistryBase
{
    public Channel<(NetworkServiceEndpoint Endpoint, DateTimeOffset At, NetworkServiceEndpoint Returned)> Registrations { get; } =
        Channel.CreateUnbounded<(NetworkServiceEndpoint, DateTimeOffset, NetworkServiceEndpoint)>();

    public Channel<NetworkServiceEndpoint> Unregistrations { get; } = Channel.CreateUnbounded<NetworkServiceEndpoint>();

    /// <summary>When set, the registry shortens the expiration to now + this, as NSMgr does with its token lifetime.</summary>
    public TimeSpan? GrantedLifetime { get; set; }

    /// <summary>The registry's clock: the arrival times and granted expirations follow it.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    public override Task<NetworkServiceEndpoint> Register(NetworkServiceEndpoint request, ServerCallContext context)
    {
        var now = Time.GetUtcNow();
        var returned = request.Clone();
        if (GrantedLifetime is { } lifetime)
        {
            returned.ExpirationTime = Timestamp.FromDateTimeOffset(now + lifetime);
        }

        Registrations.Writer.TryWrite((request, now, returned));
        return Task.FromResult(returned);
    }

    public override Task<Empty> Unregister(NetworkServiceEndpoint request, ServerCallContext context)
    {
        Unregistrations.Writer.TryWrite(request);
        return Task.FromResult(new Empty());
    }
}
