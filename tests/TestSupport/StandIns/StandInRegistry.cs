using System.Collections.Concurrent;
using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Connections.Features;
using SriovForwarder.Api.Nsm.Registry;
using SriovForwarder.Kernel.Transport.FdPassing;

namespace SriovForwarder.TestSupport.StandIns;

/// <summary>
/// The registry half of the stand-in NSMgr: records Register/Unregister, answers Finds from a fixed list (a watching
/// Find, as NSMgr's, then stays open and sends each later registration of the name it watches, until the caller leaves
/// or <see cref="EndWatches"/> breaks it as a restarting NSMgr would), and like NSMgr's recvfd takes the socket descriptor passed with an <c>inode://</c> registration, keeping it so the
/// forwarder can be dialled at <c>unix:///proc/&lt;pid&gt;/fd/&lt;n&gt;</c> (<see cref="DialUrls"/>).
/// </summary>
public sealed class StandInRegistry : NetworkServiceEndpointRegistry.NetworkServiceEndpointRegistryBase, IDisposable
{
    // Every descriptor received stays open until the stand-in is disposed: a test may dial a DialUrls entry just as a
    // refresh brings a newer one, and closing the older one then made that dial fail (or reach what took its number).
    private readonly ConcurrentQueue<ReceivedFile> _receivedSockets = new();
    private readonly ConcurrentDictionary<Channel<NetworkServiceEndpoint>, string> _watches = new();

    /// <summary>Endpoints answered as NSMgr answers for a local NSE: URL <c>inode://</c> of this socket file, its descriptor passed along.</summary>
    public ConcurrentDictionary<string, string> PassedSockets { get; } = new();

    /// <summary>Where each registered endpoint can be dialled, by name, once its descriptor arrived.</summary>
    public ConcurrentDictionary<string, string> DialUrls { get; } = new();

    public ConcurrentBag<NetworkServiceEndpoint> Endpoints { get; } = [];

    public Channel<NetworkServiceEndpoint> Registrations { get; } = Channel.CreateUnbounded<NetworkServiceEndpoint>();

    public Channel<NetworkServiceEndpoint> Unregistrations { get; } = Channel.CreateUnbounded<NetworkServiceEndpoint>();

    /// <summary>Every watching Find's query, as it arrived.</summary>
    public Channel<NetworkServiceEndpointQuery> WatchQueries { get; } = Channel.CreateUnbounded<NetworkServiceEndpointQuery>();

    /// <summary>How many watching Finds are open now.</summary>
    public int OpenWatches => _watches.Count;

    /// <summary>Ends every open watch with Unavailable, as the streams of an NSMgr that restarts end.</summary>
    public void EndWatches()
    {
        foreach (var watch in _watches.Keys)
        {
            watch.Writer.TryComplete(new RpcException(new Status(StatusCode.Unavailable, "stand-in NSMgr restarted")));
        }
    }

    /// <summary>When set, shortens the granted expiration to now + this, as NSMgr does with its token lifetime.</summary>
    public TimeSpan? GrantedLifetime { get; set; }

    public override async Task<NetworkServiceEndpoint> Register(NetworkServiceEndpoint request, ServerCallContext context)
    {
        if (InodeId.TryParse(request.Url, out var id)
            && context.GetHttpContext().Features.Get<IConnectionItemsFeature>()?.Items[ReceivedFileDescriptors.ItemsKey] is ReceivedFileDescriptors store)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var file = await store.AcquireAsync(id, wait.Token);
            _receivedSockets.Enqueue(file);
            DialUrls[request.Name] = "unix://" + file.ProcPath;
        }

        Registrations.Writer.TryWrite(request);
        foreach (var (watch, name) in _watches)
        {
            if (name == request.Name)
            {
                watch.Writer.TryWrite(request);
            }
        }

        var returned = request.Clone();
        if (GrantedLifetime is { } lifetime)
        {
            returned.ExpirationTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow + lifetime);
        }

        return returned;
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
                var answer = endpoint;
                if (PassedSockets.TryGetValue(endpoint.Name, out var socketPath)
                    && context.GetHttpContext().Features.Get<IConnectionItemsFeature>()?.Items[FdSendingQueue.ItemsKey] is FdSendingQueue outgoing)
                {
                    answer = endpoint.Clone();
                    answer.Url = outgoing.EnqueueFile(socketPath).ToString();
                }

                await responseStream.WriteAsync(new NetworkServiceEndpointResponse { NetworkServiceEndpoint = answer });
            }
        }

        if (request.Watch)
        {
            await WatchAsync(request, responseStream, context);
        }
    }

    private async Task WatchAsync(NetworkServiceEndpointQuery request, IServerStreamWriter<NetworkServiceEndpointResponse> responseStream, ServerCallContext context)
    {
        var updates = Channel.CreateUnbounded<NetworkServiceEndpoint>();
        _watches[updates] = request.NetworkServiceEndpoint.Name;
        WatchQueries.Writer.TryWrite(request);
        try
        {
            await foreach (var endpoint in updates.Reader.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(new NetworkServiceEndpointResponse { NetworkServiceEndpoint = endpoint });
            }
        }
        catch (OperationCanceledException)
        {
            // The watcher left.
        }
        finally
        {
            _watches.TryRemove(updates, out _);
        }
    }

    public void Dispose()
    {
        foreach (var file in _receivedSockets)
        {
            file.Dispose();
        }
    }
}
