namespace SriovForwarder.Grains.Interfaces.Chain;

/// <summary>What kind of failure a forwarder chain element reports; the gateway maps it to a gRPC status code.</summary>
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
}
