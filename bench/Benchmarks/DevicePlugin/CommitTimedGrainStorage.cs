using System.Diagnostics;
using Orleans.Storage;

namespace SriovForwarder.Benchmarks.DevicePlugin;

/// <summary>
/// A benchmark-only stopwatch around the node's journal storage: notes the moment the node grain's reservation state
/// (<c>allocations</c>) write returned, which is when a reserve or release is committed (durable, decision 028) and the
/// token change exists. The node grain tells its token-pool observers right after, in the same turn; what the device
/// plugin issue measures (a token change reaching ListAndWatch) starts here, not at the grain call that led to it.
/// </summary>
public sealed class CommitTimedGrainStorage(IGrainStorage inner) : IGrainStorage
{
    /// <summary>The state name of the node grain's reservations (<c>NodeGrain</c>'s persistent state).</summary>
    public const string AllocationsState = "allocations";

    private long _lastCommit;

    /// <summary>The <see cref="Stopwatch"/> timestamp at which the latest write of the reservations returned.</summary>
    public long LastCommit => Volatile.Read(ref _lastCommit);

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // The journal writes synchronously (group commit) and returns a completed task: the stamp is taken on the grain's
        // own thread, right before the grain goes on to notify.
        await inner.WriteStateAsync(stateName, grainId, grainState).ConfigureAwait(false);
        if (stateName == AllocationsState)
        {
            Volatile.Write(ref _lastCommit, Stopwatch.GetTimestamp());
        }
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);
}
