namespace SriovForwarder.Grains.Interfaces;

/// <summary>
/// Builds and splits the keys of node-bound grains: <c>{node}</c> or <c>{node}/{rest}</c>.
/// </summary>
public static class NodeKeys
{
    /// <summary>The metadata key under which every silo publishes its node name.</summary>
    public const string SiloMetadataKey = "nsm.node";

    /// <summary>Key of a grain that belongs to <paramref name="node"/> and is named <paramref name="name"/> there.</summary>
    public static string For(string node, string name) => $"{node}/{name}";

    /// <summary>The node part of a node-bound grain key.</summary>
    public static string NodeOf(string grainKey)
    {
        var slash = grainKey.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? grainKey : grainKey[..slash];
    }

    /// <summary>The part after the node, or an empty string for a node grain's own key.</summary>
    public static string NameOf(string grainKey)
    {
        var slash = grainKey.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? string.Empty : grainKey[(slash + 1)..];
    }
}
