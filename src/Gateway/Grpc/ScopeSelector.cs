using SriovForwarder.Api.Nsm.Connection;

namespace SriovForwarder.Gateway.Grpc;

/// <summary>Upstream's monitor scope selector: network services and a contiguous run of path segments.</summary>
public static class ScopeSelector
{
    /// <summary>Whether <paramref name="connection"/> is in the scope of <paramref name="selector"/>.</summary>
    public static bool Matches(MonitorScopeSelector selector, Connection connection)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(connection);
        if (selector.NetworkServices.Count > 0 && !selector.NetworkServices.Contains(connection.NetworkService))
        {
            return false;
        }

        if (selector.PathSegments.Count == 0)
        {
            return true;
        }

        var segments = connection.Path?.PathSegments;
        if (segments is null)
        {
            return false;
        }

        for (var start = 0; start + selector.PathSegments.Count <= segments.Count; start++)
        {
            var all = true;
            for (var i = 0; i < selector.PathSegments.Count && all; i++)
            {
                all = SegmentMatches(selector.PathSegments[i], segments[start + i]);
            }

            if (all)
            {
                return true;
            }
        }

        return false;
    }

    private static bool SegmentMatches(PathSegment wanted, PathSegment actual) =>
        (wanted.Name.Length == 0 || wanted.Name == actual.Name)
        && (wanted.Id.Length == 0 || wanted.Id == actual.Id)
        && (wanted.Token.Length == 0 || wanted.Token == actual.Token);
}
