using Grpc.Core;
using SriovForwarder.Gateway.Grpc;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Gateway.NextHop;

/// <summary>Turns a failed call to a next hop or the registry into a <see cref="ForwarderException"/> naming the peer.</summary>
internal static class RpcErrors
{
    public static ForwarderException From(RpcException error, string what, string url)
    {
        // The peer's code is kept: a next hop's PermissionDenied reaches the caller as PermissionDenied, not Internal.
        var code = GrpcErrors.ToForwarderErrorCode(error.StatusCode);
        var detail = string.IsNullOrEmpty(error.Status.Detail) ? error.StatusCode.ToString() : $"{error.StatusCode}: {error.Status.Detail}";
        // No inner exception: Orleans has no codec for RpcException, and the grain call would fail with that instead
        // (the caller saw Internal "Could not find a codec"); the message carries the peer's code and detail.
        return new ForwarderException(code, $"{what} at {url} failed: {detail}");
    }

    public static ForwarderException BadUrl(string url, string what, Exception error) =>
        new(ForwarderErrorCode.Unavailable, $"cannot dial {what} at {url}: {error.Message}", error);
}
