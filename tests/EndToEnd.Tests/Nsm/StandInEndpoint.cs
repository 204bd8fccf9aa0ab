using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>The NSE behind the stand-in NSMgr: answers every Request with a NOOP mechanism, records Closes, can be made slow.</summary>
public sealed class StandInEndpoint : NetworkService.NetworkServiceBase
{
    public ConcurrentQueue<NetworkServiceRequest> Requests { get; } = new();

    public ConcurrentQueue<Connection> Closes { get; } = new();

    /// <summary>How long each Request waits before answering (a slow next hop).</summary>
    public TimeSpan Delay { get; set; }

    public override async Task<Connection> Request(NetworkServiceRequest request, ServerCallContext context)
    {
        Requests.Enqueue(request);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, context.CancellationToken);
        }

        var answer = request.Connection.Clone();
        answer.Mechanism = request.MechanismPreferences.FirstOrDefault()?.Clone() ?? request.Connection.Mechanism;
        answer.NetworkServiceEndpointName = "nse-1";
        return answer;
    }

    public override Task<Empty> Close(Connection request, ServerCallContext context)
    {
        Closes.Enqueue(request);
        return Task.FromResult(new Empty());
    }
}
