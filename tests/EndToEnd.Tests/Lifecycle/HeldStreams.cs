using Grpc.Core;
using Grpc.Net.Client;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.EndToEnd.Tests.Lifecycle;

/// <summary>
/// The streams a running forwarder always has open against it: kubelet's ListAndWatch on every registered resource
/// and NSMgr's MonitorConnections on the NSM socket, each read once so the server side is known to be streaming.
/// </summary>
public sealed class HeldStreams : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly List<PluginClient> _plugins = [];
    private readonly List<DeviceStream> _watches = [];
    private readonly GrpcChannel _nsm;
    private readonly AsyncServerStreamingCall<ConnectionEvent> _monitor;

    private HeldStreams(string nsmSocket)
    {
        _nsm = UnixSocketChannelFactory.Create(nsmSocket, TimeSpan.FromSeconds(5));
        _monitor = new MonitorConnection.MonitorConnectionClient(_nsm).MonitorConnections(new MonitorScopeSelector());
    }

    public int Count => _watches.Count + 1;

    public static async Task<HeldStreams> OpenAsync(StandInKubeletSockets kubelet, IEnumerable<StandInRegistration.Registered> registered, string nsmSocket)
    {
        var streams = new HeldStreams(nsmSocket);
        foreach (var registration in registered)
        {
            var client = kubelet.ClientFor(registration);
            streams._plugins.Add(client);
            var watch = client.Watch(CancellationToken.None);
            streams._watches.Add(watch);
            await watch.NextAsync();
        }

        using var patience = new CancellationTokenSource(Patience);
        Assert.True(await streams._monitor.ResponseStream.MoveNext(patience.Token), "MonitorConnections ended before its first event");
        Assert.Equal(ConnectionEventType.InitialStateTransfer, streams._monitor.ResponseStream.Current.Type);
        return streams;
    }

    /// <summary>How each ListAndWatch stream ended.</summary>
    public Task<Status[]> WatchEndsAsync() => Task.WhenAll(_watches.Select(w => w.EndAsync()));

    /// <summary>How the MonitorConnections stream ended.</summary>
    public async Task<Status> MonitorEndAsync()
    {
        using var patience = new CancellationTokenSource(Patience);
        try
        {
            while (await _monitor.ResponseStream.MoveNext(patience.Token))
            {
            }

            return _monitor.GetStatus();
        }
        catch (RpcException ex) when (!patience.IsCancellationRequested)
        {
            return ex.Status;
        }
    }

    public void Dispose()
    {
        _monitor.Dispose();
        _nsm.Dispose();
        _watches.ForEach(w => w.Dispose());
        _plugins.ForEach(p => p.Dispose());
    }
}
