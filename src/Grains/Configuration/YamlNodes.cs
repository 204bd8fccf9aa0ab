using YamlDotNet.RepresentationModel;

namespace SriovForwarder.Grains.Configuration;

/// <summary>Helpers to walk the YAML representation model with upstream's JSON-like rules (case-insensitive keys, null as absent).</summary>
internal static class YamlNodes
{
    /// <summary>True for an empty or null scalar (<c>~</c>, <c>null</c>, nothing), which Go decodes as the zero value.</summary>
    public static bool IsNull(YamlNode? node) =>
        node is null
        || (node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar
            && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL");

    /// <summary>The 1-based line a node starts on.</summary>
    public static long Line(YamlNode node) => node.Start.Line;

    /// <summary>Finds the value of <paramref name="name"/> matched case-insensitively; a key given twice (in any case) is a problem.</summary>
    public static YamlNode? Field(YamlMappingNode mapping, string name, Action<YamlNode, string> problem)
    {
        YamlNode? found = null;
        foreach (var (key, value) in mapping.Children)
        {
            if (key is YamlScalarNode { Value: { } text } && string.Equals(text, name, StringComparison.OrdinalIgnoreCase))
            {
                if (found is not null)
                {
                    problem(key, $"{name} is given twice (keys match without regard to case)");
                }

                found = value;
            }
        }

        return found;
    }

    /// <summary>A scalar's text, or null (with a problem) when the node is a list or mapping.</summary>
    public static string? Text(YamlNode? node, string what, Action<YamlNode, string> problem)
    {
        if (IsNull(node))
        {
            return string.Empty;
        }

        if (node is YamlScalarNode scalar)
        {
            return scalar.Value ?? string.Empty;
        }

        problem(node!, $"{what} must be a single value, not a list or mapping");
        return null;
    }

    /// <summary>A list of scalars (null = empty), or null (with a problem) when the node is not a list of scalars.</summary>
    public static IReadOnlyList<(string Text, YamlNode Node)>? Words(YamlNode? node, string what, string example, Action<YamlNode, string> problem)
    {
        if (IsNull(node))
        {
            return [];
        }

        if (node is not YamlSequenceNode sequence)
        {
            problem(node!, $"{what} must be a list such as {example}");
            return null;
        }

        var words = new List<(string, YamlNode)>();
        foreach (var item in sequence.Children)
        {
            if (Text(item, what + " item", problem) is not { } text)
            {
                return null;
            }

            words.Add((text, item));
        }

        return words;
    }
}
