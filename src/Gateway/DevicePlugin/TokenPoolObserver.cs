using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>Receives the node grain's token-pool notifications and wakes the ListAndWatch streams.</summary>
public sealed class TokenPoolObserver(TokenChangeSignal signal) : ITokenPoolObserver
{
    /// <inheritdoc />
    public Task OnTokensChangedAsync(long version)
    {
        signal.Notify();
        return Task.CompletedTask;
    }
}
