using Orleans.Concurrency;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Interfaces;

/// <summary>
/// Told by the node grain whenever its token pool changed (a token allocated, used, closed, freed),
/// so the device-plugin servers resend ListAndWatch at once instead of polling.
/// </summary>
public interface ITokenPoolObserver : IGrainObserver
{
    /// <summary>The pool changed; <paramref name="change"/> carries its new version and every resource's devices after it.</summary>
    [OneWay]
    Task OnTokensChangedAsync(TokenPoolChange change);
}
