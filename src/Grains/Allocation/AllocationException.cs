namespace SriovForwarder.Grains.Allocation;

/// <summary>An expected failure of a token-pool or resource-pool operation; the operation changed nothing.</summary>
public sealed class AllocationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AllocationException(AllocationError error, string message)
        : base(message) => Error = error;

    /// <summary>Why the operation failed.</summary>
    public AllocationError Error { get; }
}
