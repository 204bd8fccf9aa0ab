using Microsoft.Extensions.Logging;
using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Gateway.PodResources;

/// <summary>
/// Keeps the node's token pool in line with what kubelet says pods hold: restores allocations once at
/// start, then frees tokens whose pods are gone after upstream's two-poll grace.
/// </summary>
public sealed class PodResourcesReconciler(
    PodResourcesClient podResources,
    INodeGrain node,
    IReadOnlyCollection<string> resourceNames,
    AllocatedTokenTracker tracker,
    ILogger logger)
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private bool _unavailableLogged;

    /// <summary>True once pod resources were read and the allocations restored.</summary>
    public bool Restored { get; private set; }

    /// <summary>
    /// One step: the first successful call restores (tokens pods hold become allocated and tracked),
    /// later calls reconcile. Returns false when pod resources could not be read (logged once until it works again).
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

    private async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
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

        var ours = listed.Where(p => resourceNames.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        if (!Restored)
        {
            await node.RestoreTokensAsync(ours).ConfigureAwait(false);
            foreach (var (name, ids) in ours)
            {
                tracker.Track(name, ids);
            }

            Restored = true;
            PodResourcesLog.Restored(logger, ours.Sum(p => p.Value.Count), podResources.ApiVersion);
            return true;
        }

        var due = tracker.Reconcile(ours);
        if (due.Count == 0)
        {
            return true;
        }

        try
        {
            var unknown = await node.FreeTokensAsync([.. due.Select(t => t.TokenId)]).ConfigureAwait(false);
            PodResourcesLog.Freed(logger, due.Count - unknown.Count, string.Join(",", due.Select(t => t.TokenId)));
        }
        catch (Exception ex)
        {
            tracker.Return(due);
            PodResourcesLog.FreeFailed(logger, due.Count, ex.Message);
        }

        return true;
    }
}
