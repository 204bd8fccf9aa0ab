using Grpc.Core;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Grains.Outbound;

/// <summary>Turns a failed call to a next hop or the registry into a <see cref="ForwarderException"/> naming the peer.</summary>
internal static class RpcErrors
{
    public static ForwarderException From(RpcException error, string what, string url)
    {
        // The peer's code is kept: a next hop's PermissionDenied reaches the caller as PermissionDenied, not Internal.
        var code = ToForwarderErrorCode(error.StatusCode);
        var detail = string.IsNullOrEmpty(error.Status.Detail) ? error.StatusCode.ToString() : $"{error.StatusCode}: {error.Status.Detail}";
        // No inner exception: Orleans has no codec for RpcException, and the grain call would fail with that instead
        // (the caller saw Internal "Could not find a codec"); the message carries the peer's code and detail.
        return new ForwarderException(code, $"{what} at {url} failed: {detail}");
    }

    public static ForwarderException BadUrl(string url, string what, Exception error) =>
        new(ForwarderErrorCode.Unavailable, $"cannot dial {what} at {url}: {error.Message}", error);

    /// <summary>The forwarder error code of a peer's status code (the one of the same name), so a peer's refusal keeps its code.</summary>
    private static ForwarderErrorCode ToForwarderErrorCode(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument => ForwarderErrorCode.InvalidArgument,
        StatusCode.ResourceExhausted => ForwarderErrorCode.ResourceExhausted,
        StatusCode.Unavailable => ForwarderErrorCode.Unavailable,
        StatusCode.FailedPrecondition => ForwarderErrorCode.FailedPrecondition,
        StatusCode.NotFound => ForwarderErrorCode.NotFound,
        StatusCode.DeadlineExceeded => ForwarderErrorCode.DeadlineExceeded,
        StatusCode.Cancelled => ForwarderErrorCode.Cancelled,
        StatusCode.Unknown => ForwarderErrorCode.Unknown,
        StatusCode.AlreadyExists => ForwarderErrorCode.AlreadyExists,
        StatusCode.PermissionDenied => ForwarderErrorCode.PermissionDenied,
        StatusCode.Aborted => ForwarderErrorCode.Aborted,
        StatusCode.OutOfRange => ForwarderErrorCode.OutOfRange,
        StatusCode.Unimplemented => ForwarderErrorCode.Unimplemented,
        StatusCode.Unauthenticated => ForwarderErrorCode.Unauthenticated,
        StatusCode.DataLoss => ForwarderErrorCode.DataLoss,
        _ => ForwarderErrorCode.Internal,
    };
}
