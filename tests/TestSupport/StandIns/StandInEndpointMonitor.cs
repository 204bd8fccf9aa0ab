using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Gateway.Grpc;

namespace SriovForwarder.TestSupport.StandIns;

/// <summary>
/// The stand-in NSE's <c>MonitorConnection</c>: each subscriber first gets an INITIAL_STATE_TRANSFER with the connections
/// the NSE answered (<see cref="StandInEndpoint.Answered"/>) in the selector's scope (upstream's selector rules,
/// <see cref="ScopeSelector"/>), then every event the test sends with <see cref="Send"/> about a connection in its scope;
/// <see cref="EndStreams"/> breaks every stream as a dying NSE would; with <see cref="Unimplemented"/> it answers as an
/// NSE without MonitorConnection does, with <see cref="RequireConnectionIds"/> as one with upstream's monitor policy.
/// </summary>
public sealed class StandInEndpointMonitor(StandInEndpoint nse) : MonitorConnection.MonitorConnectionBase
{
    private readonly ConcurrentDictionary<Channel<ConnectionEvent>, MonitorScopeSelector> _streams = new();
    private int _subscriptions;

    /// <summary>Every subscription's selector, as it arrived.</summary>
    public Channel<MonitorScopeSelector> Selectors { get; } = Channel.CreateUnbounded<MonitorScopeSelector>();

    /// <summary>How many streams are open now.</summary>
    public int OpenStreams => _streams.Count;

    /// <summary>The selectors of the streams open now.</summary>
    public IReadOnlyList<MonitorScopeSelector> OpenSelectors => [.. _streams.Values];

    /// <summary>How many MonitorConnections calls arrived, refused ones included.</summary>
    public int Subscriptions => Volatile.Read(ref _subscriptions);

    /// <summary>Answer every call <c>UNIMPLEMENTED</c>, as a next hop without MonitorConnection does.</summary>
    public bool Unimplemented { get; set; }

    /// <summary>
    /// Refuse (<c>PERMISSION_DENIED</c>) a selector without a connection id, as upstream's monitor policy
    /// (<c>service_connection</c>) refuses a subscriber whose selector names no connection it made.
    /// </summary>
    public bool RequireConnectionIds { get; set; }

    /// <summary>Sends one event about <paramref name="connection"/> to every open stream whose selector covers it.</summary>
    public void Send(ConnectionEventType type, Connection connection)
    {
        foreach (var (stream, selector) in _streams)
        {
            if (ScopeSelector.Matches(selector, connection))
            {
                stream.Writer.TryWrite(new ConnectionEvent { Type = type, Connections = { [connection.Id] = connection.Clone() } });
            }
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
        Interlocked.Increment(ref _subscriptions);
        if (Unimplemented)
        {
            throw new RpcException(new Status(StatusCode.Unimplemented, "stand-in NSE without MonitorConnection"));
        }

        if (RequireConnectionIds && request.PathSegments.All(s => s.Id.Length == 0))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "no sufficient privileges"));
        }

        var events = Channel.CreateUnbounded<ConnectionEvent>();
        var initial = new ConnectionEvent { Type = ConnectionEventType.InitialStateTransfer };
        foreach (var (id, connection) in nse.Answered)
        {
            if (ScopeSelector.Matches(request, connection))
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
