using Microsoft.Extensions.Logging;
using Orleans.Utilities;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Fleet;

/// <summary>The watchers of the fleet (fleet API Watch streams): subscriptions that expire unless renewed.</summary>
public sealed class FleetWatchers(ILogger logger)
{
    private readonly ObserverManager<IFleetObserver> _observers = new(FleetSubscription.Lifetime, logger);
    private readonly HashSet<IFleetObserver> _known = [];

    /// <summary>Whether anybody watches (nothing to build otherwise).</summary>
    public bool Any => _observers.Count > 0;

    /// <summary>Adds or renews a subscription; true when this activation had not seen the watcher before.</summary>
    public bool Subscribe(IFleetObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return _known.Add(observer);
    }

    /// <summary>Removes a subscription.</summary>
    public void Unsubscribe(IFleetObserver observer)
    {
        _observers.Unsubscribe(observer);
        _known.Remove(observer);
    }

    /// <summary>Tells every watcher of one node's new state (one-way calls).</summary>
    public Task TellAsync(FleetNode node) => _observers.Notify(observer => observer.OnNodeChangedAsync(node));
}
