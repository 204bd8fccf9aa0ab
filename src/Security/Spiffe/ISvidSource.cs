namespace SriovForwarder.Security.Spiffe;

/// <summary>
/// The current X.509-SVID of this process. Rotation replaces <see cref="Current"/> without a restart; readers take it
/// per handshake or per token, never cache it.
/// </summary>
public interface ISvidSource
{
    /// <summary>The latest SVID the agent sent; <see cref="InvalidOperationException"/> before the first one.</summary>
    X509Svid Current { get; }

    /// <summary>Raised after <see cref="Current"/> was replaced (a rotation).</summary>
    event EventHandler<X509Svid>? Rotated;
}
