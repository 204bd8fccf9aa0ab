using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.Gateway.Tests.Grpc;

/// <summary>
/// A stand-in NSE: answers every Request with the connection it got and a NOOP mechanism, and records Closes and the
/// deadline each Request arrived with. The request's <c>nse</c> label makes it misbehave: <c>hang</c> waits until the
/// call is cancelled, any gRPC status name (<c>PermissionDenied</c>) refuses with that status.
/// </summary>
public sealed class StandInEndpoint : NetworkService.NetworkServiceBase
{
    public ConcurrentQueue<NetworkServiceRequest> Requests { get; } = new();

    public ConcurrentQueue<Connection> Closes { get; } = new();

    /// <summary>The deadline of each Request, by connection id (<see cref="DateTime.MaxValue"/>: none).</summary>
    public ConcurrentDictionary<string, DateTime> Deadlines { get; } = new(StringComparer.Ordinal);

    /// <summary>The ids of the Requests whose call was cancelled while the endpoint hung.</summary>
    public ConcurrentQueue<string> Cancelled { get; } = new();

    public override async Task<Connection> Request(NetworkServiceRequest request, ServerCallContext context)
    {
        Requests.Enqueue(request);
        Deadlines[request.Connection.Id] = context.Deadline;
        var behaviour = request.Connection.Labels.GetValueOrDefault("nse");
        if (behaviour == "hang")
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled.Enqueue(request.Connection.Id);
                throw;
            }
        }

        if (System.Enum.TryParse<StatusCode>(behaviour, out var refusal))
        {
            throw new RpcException(new Status(refusal, $"stand-in NSE refuses with {refusal}"));
        }

        var answer = request.Connection.Clone();
        answer.Mechanism = request.MechanismPreferences.FirstOrDefault()?.Clone() ?? request.Connection.Mechanism;
        answer.NetworkServiceEndpointName = "stand-in";
        return answer;
    }

    public override Task<Empty> Close(Connection request, ServerCallContext context)
    {
        Closes.Enqueue(request);
        return Task.FromResult(new Empty());
    }
}
