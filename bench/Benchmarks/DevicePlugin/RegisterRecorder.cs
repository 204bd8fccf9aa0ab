using System.Collections.Concurrent;
using System.Diagnostics;

namespace SriovForwarder.Benchmarks.DevicePlugin;

/// <summary>What the stand-in kubelet saw in one round: when it bound <c>kubelet.sock</c> and when each resource's Register arrived.</summary>
public sealed class RegisterRecorder
{
    private readonly ConcurrentDictionary<string, long> _arrivals = new(StringComparer.Ordinal);
    private TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _expected;
    private long _boundAt;

    /// <summary>The <see cref="Stopwatch"/> timestamp right after kubelet.sock was bound.</summary>
    public long BoundAt => Interlocked.Read(ref _boundAt);

    /// <summary>The first Register of each resource in this round, as <see cref="Stopwatch"/> timestamps.</summary>
    public IReadOnlyDictionary<string, long> Arrivals => _arrivals;

    /// <summary>Completes once every expected resource has registered in this round.</summary>
    public Task AllRegistered => _all.Task;

    /// <summary>Starts a round that waits for <paramref name="resources"/> registrations.</summary>
    public void Reset(int resources)
    {
        _arrivals.Clear();
        _expected = resources;
        _all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _boundAt, 0);
    }

    /// <summary>Called by the listener factory right after bind.</summary>
    public void Bound() => Interlocked.Exchange(ref _boundAt, Stopwatch.GetTimestamp());

    /// <summary>Called by the Register handler on entry.</summary>
    public void Registered(string resource)
    {
        _arrivals.TryAdd(resource, Stopwatch.GetTimestamp());
        if (_arrivals.Count >= _expected)
        {
            _all.TrySetResult();
        }
    }
}
