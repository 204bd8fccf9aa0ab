using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using SriovForwarder.Api.Fleet.V1;

namespace SriovForwarder.EndToEnd.Tests.Fleet;

/// <summary>A client of the fleet API's Watch that records each change with the test's clock, to wait for one and time it.</summary>
public sealed class WatchRecorder : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(NodeChange Change, long At)> _changes = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly Task _reading;

    private WatchRecorder(string address)
    {
        _channel = GrpcChannel.ForAddress("http://" + address);
        var call = new Api.Fleet.V1.Fleet.FleetClient(_channel).Watch(new WatchRequest(), cancellationToken: _stop.Token);
        _reading = ReadAsync(call);
    }

    public static WatchRecorder Start(string address) => new(address);

    /// <summary>Waits for a change (initial or not) matching <paramref name="match"/> that arrived at or after <paramref name="since"/>; returns it and its arrival timestamp.</summary>
    public async Task<(NodeChange Change, long At)> WaitAsync(Func<NodeChange, bool> match, long since, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            lock (_changes)
            {
                foreach (var entry in _changes.Where(e => e.At >= since && match(e.Change)))
                {
                    return entry;
                }
            }

            var left = TimeSpan.FromSeconds((double)(deadline - Stopwatch.GetTimestamp()) / Stopwatch.Frequency);
            if (left <= TimeSpan.Zero || _reading.IsCompleted)
            {
                throw new TimeoutException($"the watch did not show the change in {timeout} (stream ended: {_reading.IsCompleted}, {_reading.Exception?.InnerException?.Message}); changes seen: {_changes.Count}");
            }

            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reading;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled)
        {
            // Stopped on purpose.
        }

        _channel.Dispose();
        _stop.Dispose();
        _arrived.Dispose();
    }

    private async Task ReadAsync(AsyncServerStreamingCall<NodeChange> call)
    {
        using (call)
        {
            await foreach (var change in call.ResponseStream.ReadAllAsync(_stop.Token))
            {
                lock (_changes)
                {
                    _changes.Add((change, Stopwatch.GetTimestamp()));
                }

                _arrived.Release();
            }
        }
    }
}
