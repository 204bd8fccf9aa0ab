using YamlDotNet.RepresentationModel;

namespace SriovForwarder.Silo.Tests.Deployment;

/// <summary>Small navigation helpers over YamlDotNet's representation model, failing with the path that is missing.</summary>
internal static class YamlTree
{
    /// <summary>Every document of a (multi-document) YAML text, as mappings.</summary>
    public static IReadOnlyList<YamlMappingNode> Documents(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }

    public static YamlNode? Find(this YamlNode node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    public static YamlNode? TryGet(this YamlNode node, string path)
    {
        YamlNode? current = node;
        foreach (var key in path.Split('.'))
        {
            current = current?.Find(key);
        }

        return current;
    }

    public static YamlNode Get(this YamlNode node, string path) =>
        node.TryGet(path) ?? throw new KeyNotFoundException($"no '{path}' in the YAML");

    public static string? Text(this YamlNode node, string path) => (node.TryGet(path) as YamlScalarNode)?.Value;

    public static IReadOnlyList<YamlNode> Items(this YamlNode node, string path) =>
        node.TryGet(path) is YamlSequenceNode sequence ? sequence.Children.ToList() : [];
}
