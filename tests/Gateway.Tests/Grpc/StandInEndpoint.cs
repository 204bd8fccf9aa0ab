using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.Gateway.Tests.Grpc;

/// <summary>A stand-in NSE: answers every Request with the connection it got and a NOOP mechanism, and records Closes.</summary>
public sealed class StandInEndpoint : NetworkService.NetworkServiceBase
{
    public ConcurrentQueue<NetworkServiceRequest> Requests { get; } = new();

    public ConcurrentQueue<Connection> Closes { get; } = new();

    public override Task<Connection> Request(NetworkServiceRequest request, ServerCallContext context)
    {
        Requests.Enqueue(request);
        var answer = request.Connection.Clone();
        answer.Mechanism = request.MechanismPreferences.FirstOrDefault()?.Clone() ?? request.Connection.Mechanism;
        answer.NetworkServiceEndpointName = "stand-in";
        return Task.FromResult(answer);
    }

    public override Task<Empty> Close(Connection request, ServerCallContext context)
    {
        Closes.Enqueue(request);
        return Task.FromResult(new Empty());
    }
}
