using SriovForwarder.Grains.Allocation;
using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Grains.Node;

/// <summary>Turns allocation-core failures into the exception grain callers see.</summary>
internal static class AllocationErrors
{
    public static VfAllocationException ToGrainException(this AllocationException ex) =>
        new(ex.Error switch
        {
            AllocationError.TokenNotFound => VfAllocationFailure.UnknownToken,
            AllocationError.TokenClosed => VfAllocationFailure.TokenClosed,
            AllocationError.TokenInUse or AllocationError.TokenHeldByOtherConnection => VfAllocationFailure.TokenInUse,
            AllocationError.NoFreeVf => VfAllocationFailure.NoFreeVf,
            _ => VfAllocationFailure.InvalidRequest,
        }, ex.Message);
}
