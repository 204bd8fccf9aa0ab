using Microsoft.Extensions.Logging;
using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Gateway.PodResources;

/// <summary>
/// Keeps the node's token pool in line with what kubelet says pods hold: restores allocations once at
/// start, then frees every token the node records as allocated (also those allocated before this process
/// started) that kubelet no longer lists, after upstream's two-poll grace.
/// </summary>
public sealed class PodResourcesReconciler(
    PodResourcesClient podResources,
    INodeGrain node,
    IReadOnlyCollection<string> resourceNames,
    AllocatedTokenTracker tracker,
    ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private bool _unavailableLogged;

    /// <summary>True once pod resources were read and the allocations restored.</summary>
    public bool Restored { get; private set; }

    /// <summary>
    /// One poll: the first successful call restores first (tokens pods hold become allocated and tracked);
    /// every successful call reconciles. Returns false when pod resources could not be read (logged once until
    /// it works again) or the node grain could not be reached.
    /// </summary>
    public async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _oneAtATime.Dispose();

    private async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        // The node's record first: a token kubelet allocates after this read is tracked by Allocate itself.
        IReadOnlyDictionary<string, IReadOnlyList<string>> allocated;
        try
        {
            allocated = await node.GetAllocatedTokensAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            PodResourcesLog.NodeFailed(logger, ex.Message);
            return false;
        }

        IReadOnlyDictionary<string, IReadOnlyList<string>> listed;
        try
        {
            listed = await podResources.ListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (!_unavailableLogged)
            {
                PodResourcesLog.Unavailable(logger, podResources.SocketPath, ex.Message);
                _unavailableLogged = true;
            }

            return false;
        }

        if (_unavailableLogged)
        {
            PodResourcesLog.Available(logger, podResources.SocketPath, podResources.ApiVersion);
            _unavailableLogged = false;
        }

        var ours = Ours(listed);
        if (!Restored)
        {
            try
            {
                await node.RestoreTokensAsync(ours).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                PodResourcesLog.NodeFailed(logger, ex.Message);
                return false;
            }

            foreach (var (name, ids) in ours)
            {
                tracker.Track(name, ids);
            }

            Restored = true;
            PodResourcesLog.Restored(logger, ours.Sum(p => p.Value.Count), podResources.ApiVersion);
        }

        // Every successful poll reconciles, the restoring one too: a token the node recorded as allocated before
        // this process started and that no pod holds any more is marked now and freed on the next poll.
        var due = tracker.Reconcile(ours, Ours(allocated));
        if (due.Count == 0)
        {
            return true;
        }

        try
        {
            var unknown = await node.FreeTokensAsync([.. due.Select(t => t.TokenId)]).ConfigureAwait(false);
            PodResourcesLog.Freed(logger, due.Count - unknown.Count, string.Join(",", due.Select(t => t.TokenId)));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            tracker.Return(due);
            PodResourcesLog.FreeFailed(logger, due.Count, ex.Message);
        }

        return true;
    }

    private Dictionary<string, IReadOnlyList<string>> Ours(IReadOnlyDictionary<string, IReadOnlyList<string>> byResource) =>
        byResource.Where(p => resourceNames.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
}
