using System.Globalization;
using SriovForwarder.Api.Nsm.Connection;

namespace SriovForwarder.Grains.Interfaces.Chain;

/// <summary>
/// Upstream's updatepath rules (server side) for this forwarder's path segment: which segment is ours
/// and what its id is, which is also the key of the connection grain.
/// </summary>
public static class ForwarderPath
{
    /// <summary>
    /// The id of this forwarder's segment when the connection already determines it (a refresh, or a
    /// first request that carries an id without a path); null when updatepath will add a new segment.
    /// </summary>
    public static string? SegmentIdOf(Connection? connection, string name)
    {
        if (connection is null)
        {
            return null;
        }

        var segments = connection.Path?.PathSegments;
        if (segments is null || segments.Count == 0)
        {
            return connection.Id.Length > 0 ? connection.Id : null;
        }

        var index = (int)connection.Path!.Index;
        if (index < segments.Count && segments[index].Name == name)
        {
            return NullIfEmpty(segments[index].Id);
        }

        return index + 1 < segments.Count && segments[index + 1].Name == name ? NullIfEmpty(segments[index + 1].Id) : null;
    }

    /// <summary>
    /// Makes <paramref name="connection"/> point at this forwarder's segment (adding it with
    /// <paramref name="newId"/> when needed) and returns the caller's index, to restore on the way back.
    /// Throws InvalidArgument when the path is inconsistent.
    /// </summary>
    public static uint Update(Connection connection, string name, string newId)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Path ??= new Api.Nsm.Connection.Path();
        var path = connection.Path;
        if (path.PathSegments.Count == 0)
        {
            path.Index = 0;
            if (connection.Id.Length == 0)
            {
                connection.Id = newId;
            }

            path.PathSegments.Add(new PathSegment { Name = name, Id = connection.Id });
            return 0;
        }

        var index = path.Index;
        if (index < path.PathSegments.Count && path.PathSegments[(int)index].Name == name)
        {
            connection.Id = path.PathSegments[(int)index].Id;
            return index;
        }

        if (index + 1 > path.PathSegments.Count)
        {
            throw ForwarderException.Invalid(string.Create(CultureInfo.InvariantCulture,
                $"connection.path is malformed: Path.Index+1=={index + 1} should be less or equal len(Path.PathSegments)=={path.PathSegments.Count}"));
        }

        var current = path.PathSegments[(int)index];
        if (current.Id != connection.Id)
        {
            throw ForwarderException.Invalid(
                $"connection.path is malformed: current PathSegment.Id==\"{current.Id}\" should be equal Connection.Id==\"{connection.Id}\"");
        }

        var ours = (int)index + 1;
        if (ours < path.PathSegments.Count && path.PathSegments[ours].Name != name)
        {
            path.PathSegments[ours].Name = name;
            path.PathSegments[ours].Id = newId;
        }

        if (ours == path.PathSegments.Count)
        {
            path.PathSegments.Add(new PathSegment { Name = name, Id = newId });
        }

        if (path.PathSegments[ours].Id.Length == 0)
        {
            path.PathSegments[ours].Id = newId;
        }

        path.Index = (uint)ours;
        connection.Id = path.PathSegments[ours].Id;
        return index;
    }

    /// <summary>
    /// The id for this forwarder's new segment. It is derived from the caller's segment id, so a caller that retries an
    /// unanswered Request (NSMgr keeps its own segment id across retries) reaches the same connection grain, whose
    /// persisted intent then still owns whatever the first attempt reserved (decision 007). Without a caller id it is random.
    /// </summary>
    public static string NewSegmentId(Connection connection, string name)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var segments = connection.Path?.PathSegments;
        var index = (int)(connection.Path?.Index ?? 0);
        var callerId = segments is { Count: > 0 } && index < segments.Count ? segments[index].Id : connection.Id;
        if (string.IsNullOrEmpty(callerId))
        {
            return Guid.NewGuid().ToString();
        }

        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"sriov-forwarder\0{name}\0{callerId}"));
        // An RFC 9562 version 8 (application-defined) UUID: the hash with the version and variant bits set.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }

    private static string? NullIfEmpty(string value) => value.Length > 0 ? value : null;
}
