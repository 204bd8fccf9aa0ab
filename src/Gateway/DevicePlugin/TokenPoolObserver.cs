using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>Receives the node grain's token-pool notifications and wakes the ListAndWatch streams with the devices they carry.</summary>
public sealed class TokenPoolObserver(TokenChangeSignal signal) : ITokenPoolObserver
{
    /// <inheritdoc />
    public Task OnTokensChangedAsync(TokenPoolChange change)
    {
        signal.Publish(change);
        return Task.CompletedTask;
    }
}
