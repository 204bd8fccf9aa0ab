namespace SriovForwarder.Grains.Interfaces;

/// <summary>
/// A VF or token request the node could not satisfy (expected failures such as no free VF or an
/// unknown token); <see cref="Reason"/> lets the gRPC edge pick the status code.
/// </summary>
[GenerateSerializer, Alias("sriov.VfAllocationException")]
public sealed class VfAllocationException : Exception
{
    public VfAllocationException()
    {
    }

    public VfAllocationException(string message)
        : base(message)
    {
    }

    public VfAllocationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public VfAllocationException(VfAllocationFailure reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Why the request failed.</summary>
    [Id(0)]
    public VfAllocationFailure Reason { get; init; }
}
