using Microsoft.Extensions.Logging;
using Orleans.Utilities;
using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Grains.Node;

/// <summary>
/// The device plugins watching a node's token pool: subscriptions that expire unless renewed
/// (<see cref="TokenPoolSubscription.Lifetime"/>), and a version that grows with every change they are told of.
/// </summary>
public sealed class TokenPoolObservers(ILogger logger)
{
    private readonly ObserverManager<ITokenPoolObserver> _observers = new(TokenPoolSubscription.Lifetime, logger);

    /// <summary>How many changes were told so far (the version <see cref="Interfaces.Models.ResourceDevices"/> carries).</summary>
    public long Version { get; private set; }

    /// <summary>Adds or renews a subscription.</summary>
    public void Subscribe(ITokenPoolObserver observer) => _observers.Subscribe(observer, observer);

    /// <summary>Removes a subscription.</summary>
    public void Unsubscribe(ITokenPoolObserver observer) => _observers.Unsubscribe(observer);

    /// <summary>Bumps the version and tells every live subscriber.</summary>
    public Task NotifyAsync()
    {
        var version = ++Version;
        return _observers.Notify(observer => observer.OnTokensChangedAsync(version));
    }
}
