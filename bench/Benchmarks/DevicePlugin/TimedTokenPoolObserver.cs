using System.Diagnostics;
using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Benchmarks.DevicePlugin;

/// <summary>
/// The benchmarks' token-pool observer: notes when the node grain's notification arrived (a benchmark-only stopwatch),
/// then does what the forwarder's <see cref="TokenPoolObserver"/> does, or, with <paramref name="pushDevices"/> false,
/// what it did before decision 042 (wake the streams only, so they read the devices back from the node grain).
/// </summary>
public sealed class TimedTokenPoolObserver(TokenChangeSignal signal, bool pushDevices) : ITokenPoolObserver
{
    private long _lastArrival;

    /// <summary>The <see cref="Stopwatch"/> timestamp of the latest notification.</summary>
    public long LastArrival => Volatile.Read(ref _lastArrival);

    /// <inheritdoc />
    public Task OnTokensChangedAsync(TokenPoolChange change)
    {
        Volatile.Write(ref _lastArrival, Stopwatch.GetTimestamp());
        if (pushDevices)
        {
            signal.Publish(change);
        }
        else
        {
            signal.Notify();
        }

        return Task.CompletedTask;
    }
}
