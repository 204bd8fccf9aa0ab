using SriovForwarder.Grains.Allocation;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Chain.Elements;

/// <summary>Turns a node grain's reservation failure into a <see cref="ForwarderException"/> with the matching code.</summary>
internal static class NodeErrors
{
    public static ForwarderException ToForwarderException(Exception error, string token, VfDriver driver)
    {
        var code = error switch
        {
            VfAllocationException { Reason: VfAllocationFailure.NoFreeVf } => ForwarderErrorCode.ResourceExhausted,
            VfAllocationException { Reason: VfAllocationFailure.UnknownToken or VfAllocationFailure.InvalidRequest } => ForwarderErrorCode.InvalidArgument,
            VfAllocationException => ForwarderErrorCode.FailedPrecondition,
            AllocationException { Error: AllocationError.NoFreeVf } => ForwarderErrorCode.ResourceExhausted,
            AllocationException { Error: AllocationError.TokenNotFound } => ForwarderErrorCode.InvalidArgument,
            AllocationException => ForwarderErrorCode.FailedPrecondition,
            NodeUnavailableException => ForwarderErrorCode.Unavailable,
            _ => ForwarderErrorCode.Internal,
        };
        return new ForwarderException(code, $"failed to select VF for token {token} ({driver}): {error.Message}", error);
    }
}
