namespace SriovForwarder.Grains.Allocation;

/// <summary>Why a token-pool or resource-pool operation failed, so callers can map it to a status code.</summary>
public enum AllocationError
{
    /// <summary>The token id is not in the pool.</summary>
    TokenNotFound,

    /// <summary>The token is closed for a sibling token.</summary>
    TokenClosed,

    /// <summary>The token is already in use.</summary>
    TokenInUse,

    /// <summary>StopUsing on a token that is not in use.</summary>
    TokenNotInUse,

    /// <summary>Restore on a pool that has already been accessed.</summary>
    PoolAlreadyAccessed,

    /// <summary>No free VF can serve the token with the requested driver.</summary>
    NoFreeVf,

    /// <summary>The VF address is not in the pool.</summary>
    VfNotFound,

    /// <summary>Free of a VF that is not selected.</summary>
    VfNotSelected,

    /// <summary>The token already holds a VF for another connection (upstream bug #19).</summary>
    TokenHeldByOtherConnection,

    /// <summary>The connection already holds a VF through another token.</summary>
    ConnectionHoldsOtherToken,
}
