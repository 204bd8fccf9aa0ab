namespace SriovForwarder.Grains.Interfaces.Chain;

/// <summary>
/// What kind of failure a forwarder chain element reports; the gateway maps it to the gRPC status code of the same name.
/// Every gRPC code has a member, so a next hop's refusal reaches the caller with the code the next hop gave.
/// </summary>
public enum ForwarderErrorCode
{
    /// <summary>Something unexpected failed inside the forwarder.</summary>
    Internal = 0,

    /// <summary>The request is malformed: a missing or bad field.</summary>
    InvalidArgument = 1,

    /// <summary>No free VF (or other resource) for the request.</summary>
    ResourceExhausted = 2,

    /// <summary>The registry or the next hop cannot be reached.</summary>
    Unavailable = 3,

    /// <summary>The request is well-formed but the node is not in a state to serve it (for example a missing VFIO device).</summary>
    FailedPrecondition = 4,

    /// <summary>Something the request names does not exist (a network service, an endpoint).</summary>
    NotFound = 5,

    /// <summary>The next hop did not answer in time.</summary>
    DeadlineExceeded = 6,

    /// <summary>The call was cancelled (by the caller, or by the next hop).</summary>
    Cancelled = 7,

    /// <summary>The next hop failed without saying how (gRPC Unknown).</summary>
    Unknown = 8,

    /// <summary>What the request would create exists already (gRPC AlreadyExists).</summary>
    AlreadyExists = 9,

    /// <summary>The caller may not do this (gRPC PermissionDenied, for example a next hop's policy refusal).</summary>
    PermissionDenied = 10,

    /// <summary>The operation was aborted, typically by a concurrent one (gRPC Aborted).</summary>
    Aborted = 11,

    /// <summary>A value is outside its valid range (gRPC OutOfRange).</summary>
    OutOfRange = 12,

    /// <summary>The peer does not implement the operation (gRPC Unimplemented).</summary>
    Unimplemented = 13,

    /// <summary>The caller's credentials are missing or invalid (gRPC Unauthenticated).</summary>
    Unauthenticated = 14,

    /// <summary>Unrecoverable data loss (gRPC DataLoss).</summary>
    DataLoss = 15,
}
