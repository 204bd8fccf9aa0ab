using System.Diagnostics;
using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Benchmarks.DevicePlugin;

/// <summary>
/// The forwarder's <see cref="LocalTokenPoolSink"/> with a benchmark-only stopwatch: notes when the node grain handed a
/// change over, the moment <see cref="TimedTokenPoolObserver"/> notes for the observer path.
/// </summary>
public sealed class TimedLocalTokenPoolSink(LocalTokenPoolSink inner) : ILocalTokenPoolSink
{
    private long _lastArrival;

    /// <summary>The <see cref="Stopwatch"/> timestamp of the latest change handed over.</summary>
    public long LastArrival => Volatile.Read(ref _lastArrival);

    /// <inheritdoc />
    public void Activated(string node) => inner.Activated(node);

    /// <inheritdoc />
    public bool Publish(string node, TokenPoolChange change)
    {
        Volatile.Write(ref _lastArrival, Stopwatch.GetTimestamp());
        return inner.Publish(node, change);
    }

    /// <inheritdoc />
    public bool Covers(ITokenPoolObserver observer) => inner.Covers(observer);
}
