using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.ConnectionContext;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Gateway.Demo;

namespace SriovForwarder.TestSupport.StandIns;

/// <summary>
/// The NSE behind the stand-in NSMgr: answers every Request with the offered mechanism and, when the test chose one for
/// the connection's <c>test</c> label, a connection context (as an NSE's IPAM would); records Closes and deadlines, can be
/// made slow, hangs until cancelled when its <c>nse</c> label is <c>hang</c>, and refuses with the gRPC status that label names.
/// </summary>
public sealed class StandInEndpoint : NetworkService.NetworkServiceBase
{
    public ConcurrentQueue<NetworkServiceRequest> Requests { get; } = new();

    public ConcurrentQueue<Connection> Closes { get; } = new();

    /// <summary>The connections answered and not closed, by id, as <see cref="StandInEndpointMonitor"/> reports them.</summary>
    public ConcurrentDictionary<string, Connection> Answered { get; } = new(StringComparer.Ordinal);

    /// <summary>The endpoint name put in every answer.</summary>
    public string Name { get; init; } = "nse-1";

    /// <summary>The context to answer with, by the value of the request's <c>test</c> label.</summary>
    public ConcurrentDictionary<string, ConnectionContext> Contexts { get; } = new();

    /// <summary>How long each Request waits before answering (a slow next hop); the wait ends early when the call is cancelled.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>The deadline each Request arrived with, by connection id (<see cref="DateTime.MaxValue"/>: none).</summary>
    public ConcurrentDictionary<string, DateTime> Deadlines { get; } = new(StringComparer.Ordinal);

    /// <summary>The <c>nsm-client-token</c> each Request arrived with (null: none), by connection id.</summary>
    public ConcurrentDictionary<string, string?> ClientTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>The ids of the Requests whose call was cancelled while they waited.</summary>
    public ConcurrentQueue<string> Cancelled { get; } = new();

    public override async Task<Connection> Request(NetworkServiceRequest request, ServerCallContext context)
    {
        Requests.Enqueue(request);
        Deadlines[request.Connection.Id] = context.Deadline;
        ClientTokens[request.Connection.Id] = context.RequestHeaders.GetValue("nsm-client-token");
        var delay = request.Connection.Labels.GetValueOrDefault("nse") == "hang" ? Timeout.InfiniteTimeSpan : Delay;
        if (delay != TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(delay, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled.Enqueue(request.Connection.Id);
                throw;
            }
        }

        // The connection's "nse" label names a gRPC status to refuse with, as an NSE's policy would.
        if (request.Connection.Labels.TryGetValue("nse", out var refusal) && System.Enum.TryParse<StatusCode>(refusal, out var code))
        {
            throw new RpcException(new Status(code, $"stand-in NSE refuses with {code}"));
        }

        var answer = EndpointAnswer.Accept(request, Name);
        if (request.Connection.Labels.TryGetValue("test", out var key) && Contexts.TryGetValue(key, out var chosen))
        {
            answer.Context = chosen.Clone();
        }

        Answered[answer.Id] = answer.Clone();
        return answer;
    }

    public override Task<Empty> Close(Connection request, ServerCallContext context)
    {
        Closes.Enqueue(request);
        Answered.TryRemove(request.Id, out _);
        return Task.FromResult(new Empty());
    }
}
