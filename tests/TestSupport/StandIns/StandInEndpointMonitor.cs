using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;

namespace SriovForwarder.TestSupport.StandIns;

/// <summary>
/// The stand-in NSE's <c>MonitorConnection</c>: each subscriber first gets an INITIAL_STATE_TRANSFER with the connections
/// the NSE answered (<see cref="StandInEndpoint.Answered"/>) that have a segment with the selector's first segment id, then
/// every event the test sends with <see cref="Send"/>; <see cref="EndStreams"/> breaks every stream as a dying NSE would.
/// </summary>
public sealed class StandInEndpointMonitor(StandInEndpoint nse) : MonitorConnection.MonitorConnectionBase
{
    private readonly ConcurrentDictionary<Channel<ConnectionEvent>, MonitorScopeSelector> _streams = new();

    /// <summary>Every subscription's selector, as it arrived.</summary>
    public Channel<MonitorScopeSelector> Selectors { get; } = Channel.CreateUnbounded<MonitorScopeSelector>();

    /// <summary>How many streams are open now.</summary>
    public int OpenStreams => _streams.Count;

    /// <summary>Sends one event about <paramref name="connection"/> to every open stream.</summary>
    public void Send(ConnectionEventType type, Connection connection)
    {
        foreach (var stream in _streams.Keys)
        {
            stream.Writer.TryWrite(new ConnectionEvent { Type = type, Connections = { [connection.Id] = connection.Clone() } });
        }
    }

    /// <summary>Ends every open stream with Unavailable.</summary>
    public void EndStreams()
    {
        foreach (var stream in _streams.Keys)
        {
            stream.Writer.TryComplete(new RpcException(new Status(StatusCode.Unavailable, "stand-in NSE went away")));
        }
    }

    public override async Task MonitorConnections(MonitorScopeSelector request, IServerStreamWriter<ConnectionEvent> responseStream, ServerCallContext context)
    {
        var events = Channel.CreateUnbounded<ConnectionEvent>();
        var wanted = request.PathSegments.FirstOrDefault()?.Id;
        var initial = new ConnectionEvent { Type = ConnectionEventType.InitialStateTransfer };
        foreach (var (id, connection) in nse.Answered)
        {
            if (wanted is null || connection.Path.PathSegments.Any(s => s.Id == wanted))
            {
                initial.Connections[id] = connection.Clone();
            }
        }

        await responseStream.WriteAsync(initial);
        _streams[events] = request;
        Selectors.Writer.TryWrite(request);
        try
        {
            await foreach (var connectionEvent in events.Reader.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(connectionEvent);
            }
        }
        catch (OperationCanceledException)
        {
            // The subscriber left.
        }
        finally
        {
            _streams.TryRemove(events, out _);
        }
    }
}
