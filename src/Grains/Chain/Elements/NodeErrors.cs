using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Chain.Elements;

/// <summary>Turns a node grain's reservation failure into a <see cref="ForwarderException"/> with the matching code.</summary>
/// <remarks>
/// The one place an allocation failure becomes a forwarder error code: the allocation core's own errors never reach
/// here (the node grain turns them into <see cref="VfAllocationException"/> in <c>Node/AllocationErrors</c>), and the
/// NSM edge maps only the resulting <see cref="ForwarderException"/>.
/// </remarks>
internal static class NodeErrors
{
    public static ForwarderException ToForwarderException(Exception error, string token, VfDriver driver)
    {
        var code = error switch
        {
            VfAllocationException { Reason: VfAllocationFailure.NoFreeVf } => ForwarderErrorCode.ResourceExhausted,
            VfAllocationException { Reason: VfAllocationFailure.UnknownToken or VfAllocationFailure.InvalidRequest } => ForwarderErrorCode.InvalidArgument,
            VfAllocationException => ForwarderErrorCode.FailedPrecondition,
            NodeUnavailableException => ForwarderErrorCode.Unavailable,
            _ => ForwarderErrorCode.Internal,
        };
        return new ForwarderException(code, $"failed to select VF for token {token} ({driver}): {error.Message}", error);
    }
}
