using Microsoft.Extensions.Options;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>
/// Where this node's grain, running in this process, hands its token-pool changes to the ListAndWatch streams without an
/// Orleans observer message (decision 050): <see cref="Publish"/> runs in the grain's committing turn, so changes arrive in
/// commit order, and wakes the streams through <see cref="TokenChangeSignal"/> as <see cref="TokenPoolObserver"/> does.
/// The observer subscription stays (<see cref="NodeTokenSubscription"/>), for a node grain in another process; the node
/// grain skips it when this sink <see cref="Covers"/> it.
/// </summary>
public sealed class LocalTokenPoolSink(TokenChangeSignal changes, IOptions<KubeletDevicePluginOptions> options) : ILocalTokenPoolSink
{
    private readonly string _node = options.Value.NodeName;
    private ITokenPoolObserver? _subscription;

    /// <summary>Notes the observer this process subscribes with, which then hears nothing twice.</summary>
    public void CoverSubscription(ITokenPoolObserver observer) => Volatile.Write(ref _subscription, observer);

    /// <inheritdoc />
    public void Activated(string node)
    {
        // A new activation counts its versions from 1 again: drop what the old one pushed and let the streams re-read the
        // node, or its lower versions would look older than what they replace.
        if (node == _node)
        {
            changes.Notify();
        }
    }

    /// <inheritdoc />
    public bool Publish(string node, TokenPoolChange change)
    {
        if (node != _node)
        {
            return false;
        }

        changes.Publish(change);
        return true;
    }

    /// <inheritdoc />
    public bool Covers(ITokenPoolObserver observer) => observer is not null && observer.Equals(Volatile.Read(ref _subscription));
}
