using SriovForwarder.TestSupport.StandIns;

namespace SriovForwarder.Benchmarks.Startup;

/// <summary>
/// A stand-in kubelet for one start (<c>--kubelet on</c>): the registration and pod-resources sockets of
/// <see cref="StandInKubeletSockets"/>, and, like kubelet, a ListAndWatch stream held on every plugin server that
/// registers, so the forwarder's device plugin runs as on a node (one plugin server per resource, decision 044).
/// </summary>
public sealed class BenchKubelet : IAsyncDisposable
{
    private readonly StandInKubeletSockets _sockets;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(PluginClient Client, DeviceStream Stream)> _held = [];
    private readonly Task _holding;

    private BenchKubelet(StandInKubeletSockets sockets)
    {
        _sockets = sockets;
        _holding = Task.Run(HoldAsync);
    }

    public string DevicePluginPath => _sockets.DevicePluginPath;

    public string PodResourcesPath => _sockets.PodResourcesPath;

    /// <summary>How many plugin servers have registered and are watched.</summary>
    public int Watched
    {
        get
        {
            lock (_held)
            {
                return _held.Count;
            }
        }
    }

    public static async Task<BenchKubelet> StartAsync(string folder)
    {
        var sockets = new StandInKubeletSockets(folder);
        await sockets.StartRegistrationAsync();
        await sockets.StartPodResourcesAsync();
        return new BenchKubelet(sockets);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _holding;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        lock (_held)
        {
            foreach (var (client, stream) in _held)
            {
                stream.Dispose();
                client.Dispose();
            }
        }

        await _sockets.DisposeAsync();
        _stop.Dispose();
    }

    private async Task HoldAsync()
    {
        await foreach (var registered in _sockets.Registration.Registrations.Reader.ReadAllAsync(_stop.Token))
        {
            var client = _sockets.ClientFor(registered);
            var stream = client.Watch(_stop.Token);
            lock (_held)
            {
                _held.Add((client, stream));
            }
        }
    }
}
