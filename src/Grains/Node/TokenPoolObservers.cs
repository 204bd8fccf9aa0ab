using Microsoft.Extensions.Logging;
using Orleans.Utilities;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

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

    /// <summary>
    /// Bumps the version and tells every live subscriber, with the devices <paramref name="devicesAt"/> gives for the new
    /// version (asked only when someone is subscribed): the plugins send them without calling back (decision 042).
    /// </summary>
    public Task NotifyAsync(Func<long, IReadOnlyList<ResourceDevices>> devicesAt)
    {
        ArgumentNullException.ThrowIfNull(devicesAt);
        var version = ++Version;
        if (_observers.Count == 0)
        {
            return Task.CompletedTask;
        }

        var change = new TokenPoolChange(version, devicesAt(version));
        return _observers.Notify(observer => observer.OnTokensChangedAsync(change));
    }
}
