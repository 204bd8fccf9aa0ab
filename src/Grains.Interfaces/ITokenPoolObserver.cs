using Orleans.Concurrency;

namespace SriovForwarder.Grains.Interfaces;

/// <summary>
/// Told by the node grain whenever its token pool changed (a token allocated, used, closed, freed),
/// so the device-plugin servers resend ListAndWatch at once instead of polling.
/// </summary>
public interface ITokenPoolObserver : IGrainObserver
{
    /// <summary>The pool changed; <paramref name="version"/> is the pool's new version.</summary>
    [OneWay]
    Task OnTokensChangedAsync(long version);
}
