using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.ConnectionContext;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>
/// The NSE behind the stand-in NSMgr: answers every Request with the offered mechanism and, when the test chose one for
/// the connection's <c>test</c> label, a connection context (as an NSE's IPAM would); records Closes, can be made slow.
/// </summary>
public sealed class StandInEndpoint : NetworkService.NetworkServiceBase
{
    public ConcurrentQueue<NetworkServiceRequest> Requests { get; } = new();

    public ConcurrentQueue<Connection> Closes { get; } = new();

    /// <summary>The context to answer with, by the value of the request's <c>test</c> label.</summary>
    public ConcurrentDictionary<string, ConnectionContext> Contexts { get; } = new();

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
        if (request.Connection.Labels.TryGetValue("test", out var key) && Contexts.TryGetValue(key, out var chosen))
        {
            answer.Context = chosen.Clone();
        }

        return answer;
    }

    public override Task<Empty> Close(Connection request, ServerCallContext context)
    {
        Closes.Enqueue(request);
        return Task.FromResult(new Empty());
    }
}
