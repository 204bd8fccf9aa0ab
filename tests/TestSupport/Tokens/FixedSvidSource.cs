using SriovForwarder.Security.Spiffe;

namespace SriovForwarder.TestSupport.Tokens;

/// <summary>A stand-in for the SPIFFE Workload API client: an SVID set by the test, rotated when the test says so.</summary>
public sealed class FixedSvidSource(X509Svid svid) : ISvidSource
{
    private X509Svid _current = svid;

    public X509Svid Current => _current;

    public event EventHandler<X509Svid>? Rotated;

    public void Rotate(X509Svid next)
    {
        _current = next;
        Rotated?.Invoke(this, next);
    }
}
