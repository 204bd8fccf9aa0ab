using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Path = SriovForwarder.Api.Nsm.Connection.Path;

namespace SriovForwarder.Security.Tokens;

/// <summary>
/// Upstream's server updatetoken (§11.2) on a path already pointed at our segment: the previous segment gets the
/// caller's per-RPC token, ours gets a token we make for the caller.
/// </summary>
public static class PathTokens
{
    /// <summary>
    /// Copies the caller's <c>nsm-client-token</c> and its expiry into the segment before ours. False when there is no
    /// previous segment or the metadata is missing or malformed (the segment is then left as it was, as upstream does).
    /// </summary>
    public static bool FillPrevious(Path path, Metadata callerHeaders)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(callerHeaders);
        var index = (int)path.Index;
        if (index < 1 || index > path.PathSegments.Count || !TokenMetadata.TryRead(callerHeaders, out var token, out var expires))
        {
            return false;
        }

        var previous = path.PathSegments[index - 1];
        previous.Token = token;
        previous.Expires = Timestamp.FromDateTimeOffset(expires);
        return true;
    }

    /// <summary>Stores <paramref name="token"/> and its expiry in our segment (the one at the path's index).</summary>
    public static void FillOwn(Path path, NsmToken token)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(token);
        if (path.Index >= path.PathSegments.Count)
        {
            throw new ArgumentException(
                $"NetworkServiceRequest.Connection.Path.Index({path.Index}) >= len(NetworkServiceRequest.Connection.Path.PathSegments)({path.PathSegments.Count})",
                nameof(path));
        }

        var own = path.PathSegments[(int)path.Index];
        own.Token = token.Value;
        own.Expires = Timestamp.FromDateTimeOffset(token.Expires);
    }
}
