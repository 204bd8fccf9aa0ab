using Microsoft.Extensions.Logging;
using Orleans.Utilities;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Node;

/// <summary>
/// The device plugins watching a node's token pool: this process's plugin through its <see cref="ILocalTokenPoolSink"/>
/// when there is one (decision 050), and subscriptions that expire unless renewed (<see cref="TokenPoolSubscription.Lifetime"/>)
/// for any other; a version that grows with every change they are told of.
/// </summary>
public sealed class TokenPoolObservers(ILogger logger)
{
    private readonly ObserverManager<ITokenPoolObserver> _observers = new(TokenPoolSubscription.Lifetime, logger);
    private ILocalTokenPoolSink? _sink;
    private string _node = string.Empty;

    /// <summary>How many changes were told so far (the version <see cref="Interfaces.Models.ResourceDevices"/> carries).</summary>
    public long Version { get; private set; }

    /// <summary>
    /// Hands this activation's changes of <paramref name="node"/> to <paramref name="sink"/> (null where the process runs no
    /// device plugin) and tells it that the versions start again. Call once on activation, before any change.
    /// </summary>
    public void UseLocalSink(ILocalTokenPoolSink? sink, string node)
    {
        _sink = sink;
        _node = node;
        sink?.Activated(node);
    }

    /// <summary>Adds or renews a subscription.</summary>
    public void Subscribe(ITokenPoolObserver observer) => _observers.Subscribe(observer, observer);

    /// <summary>Removes a subscription.</summary>
    public void Unsubscribe(ITokenPoolObserver observer) => _observers.Unsubscribe(observer);

    /// <summary>
    /// Bumps the version and tells the local sink (in this turn, so in commit order) and every live subscriber it does not
    /// cover, with the devices <paramref name="devicesAt"/> gives for the new version (asked only when someone listens): the
    /// plugins send them without calling back (decision 042).
    /// </summary>
    public Task NotifyAsync(Func<long, IReadOnlyList<ResourceDevices>> devicesAt)
    {
        ArgumentNullException.ThrowIfNull(devicesAt);
        var version = ++Version;
        if (_sink is null && _observers.Count == 0)
        {
            return Task.CompletedTask;
        }

        var change = new TokenPoolChange(version, devicesAt(version));
        var sink = _sink;
        if (sink is null || !sink.Publish(_node, change))
        {
            return _observers.Count == 0 ? Task.CompletedTask : _observers.Notify(observer => observer.OnTokensChangedAsync(change));
        }

        return _observers.Count == 0
            ? Task.CompletedTask
            : _observers.Notify(observer => observer.OnTokensChangedAsync(change), observer => !sink.Covers(observer));
    }
}
