using Grpc.Core;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Gateway.NextHop;

/// <summary>Turns a failed call to a next hop or the registry into a <see cref="ForwarderException"/> naming the peer.</summary>
internal static class RpcErrors
{
    public static ForwarderException From(RpcException error, string what, string url)
    {
        var code = error.StatusCode switch
        {
            StatusCode.Unavailable => ForwarderErrorCode.Unavailable,
            StatusCode.DeadlineExceeded => ForwarderErrorCode.DeadlineExceeded,
            StatusCode.InvalidArgument => ForwarderErrorCode.InvalidArgument,
            StatusCode.NotFound => ForwarderErrorCode.NotFound,
            StatusCode.ResourceExhausted => ForwarderErrorCode.ResourceExhausted,
            StatusCode.FailedPrecondition => ForwarderErrorCode.FailedPrecondition,
            _ => ForwarderErrorCode.Internal,
        };
        var detail = string.IsNullOrEmpty(error.Status.Detail) ? error.StatusCode.ToString() : $"{error.StatusCode}: {error.Status.Detail}";
        return new ForwarderException(code, $"{what} at {url} failed: {detail}", error);
    }

    public static ForwarderException BadUrl(string url, string what, Exception error) =>
        new(ForwarderErrorCode.Unavailable, $"cannot dial {what} at {url}: {error.Message}", error);
}
