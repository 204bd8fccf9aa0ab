namespace SriovForwarder.Grains.Interfaces;

/// <summary>Why a VF or token request failed.</summary>
public enum VfAllocationFailure
{
    /// <summary>The token id is not one of this node's tokens.</summary>
    UnknownToken,

    /// <summary>The token is closed because a sibling token uses a VF of the same PF.</summary>
    TokenClosed,

    /// <summary>Another connection already uses the token.</summary>
    TokenInUse,

    /// <summary>No VF that the token's resource may use is free for the driver.</summary>
    NoFreeVf,

    /// <summary>A token id of another resource, or a malformed request.</summary>
    InvalidRequest,

    /// <summary>The token's VF (the one it holds, or the one it was made for) or its PF is unhealthy; the message says why.</summary>
    Unhealthy,
}
