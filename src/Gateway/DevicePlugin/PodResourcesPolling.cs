using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SriovForwarder.Gateway.PodResources;
using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>
/// Polls kubelet's pod-resources socket every <see cref="KubeletDevicePluginOptions.ResourcePollTimeout"/>: the first
/// poll restores which tokens pods hold, every poll frees the tokens of pods that are gone.
/// </summary>
public sealed class PodResourcesPolling(
    IGrainFactory grains,
    IOptions<KubeletDevicePluginOptions> options,
    AllocatedTokenTracker tracker,
    TimeProvider time,
    ILogger<PodResourcesPolling> logger) : IDisposable
{
    private readonly KubeletDevicePluginOptions _options = options.Value;

    /// <summary>The restore and reconciliation (set by <see cref="Start"/>, once the resource names are known).</summary>
    public PodResourcesReconciler? Reconciler { get; private set; }

    /// <summary>Builds the reconciler for the node's resources.</summary>
    public void Start(IReadOnlyList<string> resourceNames) =>
        Reconciler = new PodResourcesReconciler(
            new PodResourcesClient(Path.Combine(_options.PodResourcesPath, KubeletSocketFile.Name), _options.KubeletCallTimeout),
            grains.GetGrain<INodeGrain>(_options.NodeName),
            resourceNames,
            tracker,
            logger);

    /// <inheritdoc />
    public void Dispose() => Reconciler?.Dispose();

    /// <summary>Polls now and then every poll period until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var reconciler = Reconciler ?? throw new InvalidOperationException("pod-resources polling runs only after Start");
        while (!cancellationToken.IsCancellationRequested)
        {
            await reconciler.RunOnceAsync(cancellationToken).ConfigureAwait(false);
            await Task.Delay(_options.ResourcePollTimeout, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
