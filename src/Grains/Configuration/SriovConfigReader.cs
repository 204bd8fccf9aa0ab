using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SriovForwarder.Grains.Configuration;

/// <summary>Reads upstream's SR-IOV config file (YAML, keys matched without regard to case, unknown keys ignored).</summary>
public static partial class SriovConfigReader
{
    /// <summary>Reads and checks the file at <paramref name="path"/>; throws <see cref="SriovConfigException"/> listing every problem.</summary>
    public static SriovConfig ReadFile(string path)
    {
        string yaml;
        try
        {
            yaml = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SriovConfigException(path, [$"{path}: cannot read the SR-IOV config file: {e.Message}"], e);
        }

        return Parse(yaml, path);
    }

    /// <summary>Parses and checks <paramref name="yaml"/>; <paramref name="sourceName"/> names it in problems (usually the file path).</summary>
    public static SriovConfig Parse(string yaml, string sourceName)
    {
        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(yaml));
        try
        {
            stream.Load(new Parser(scanner));
        }
        catch (YamlException e)
        {
            var message = MarkPrefix().Replace(e.Message, string.Empty);
            throw new SriovConfigException(sourceName, [$"{sourceName} line {e.Start.Line}: not valid YAML: {message}"], e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet throws this without a mark for some truncated documents (e.g. an unclosed [ at the end).
            throw new SriovConfigException(
                sourceName, [$"{sourceName} line {scanner.CurrentPosition.Line}: not valid YAML: the document ends inside an unclosed [ or {{"], e);
        }

        var problems = new List<string>();
        if (stream.Documents.Count > 1)
        {
            problems.Add($"{sourceName} line {YamlNodes.Line(stream.Documents[1].RootNode)}: holds more than one YAML document; keep only one");
        }

        var root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        var config = ParseRoot(root, sourceName, problems);
        return problems.Count == 0 ? config : throw new SriovConfigException(sourceName, problems);
    }

    private static SriovConfig ParseRoot(YamlNode? root, string sourceName, List<string> problems)
    {
        void Problem(YamlNode node, string text) => problems.Add($"{sourceName} line {YamlNodes.Line(node)}: {text}");

        if (YamlNodes.IsNull(root))
        {
            return SriovConfig.Empty;
        }

        if (root is not YamlMappingNode mapping)
        {
            Problem(root!, "the file must be a mapping with the key physicalFunctions");
            return SriovConfig.Empty;
        }

        var functions = YamlNodes.Field(mapping, "physicalFunctions", Problem);
        if (YamlNodes.IsNull(functions))
        {
            return SriovConfig.Empty;
        }

        if (functions is not YamlMappingNode byAddress)
        {
            Problem(functions!, "physicalFunctions must be a mapping from PF PCI address (such as 0000:01:00.0) to its settings");
            return SriovConfig.Empty;
        }

        var parser = new PhysicalFunctionParser(sourceName, problems);
        var result = new List<PhysicalFunctionConfig>();
        foreach (var (key, value) in byAddress.Children)
        {
            if (parser.Parse(key, value) is { } pf)
            {
                result.Add(pf);
            }
        }

        CheckVirtualFunctionsAreUnique(result, byAddress, sourceName, problems);
        return new SriovConfig(result);
    }

    // A VF listed under two PFs (or as a PF) would be handed out twice.
    private static void CheckVirtualFunctionsAreUnique(
        List<PhysicalFunctionConfig> functions, YamlMappingNode byAddress, string sourceName, List<string> problems)
    {
        var owner = functions.ToDictionary(pf => pf.Address, pf => pf.Address, StringComparer.Ordinal);
        foreach (var pf in functions)
        {
            foreach (var vf in pf.VirtualFunctions)
            {
                if (!owner.TryAdd(vf.Address, pf.Address))
                {
                    var line = YamlNodes.Line(byAddress.Children.Keys.First(k => k is YamlScalarNode { Value: var v } && v == pf.Address));
                    var other = owner[vf.Address] == vf.Address ? "is itself a configured physical function" : $"is also listed under physical function {owner[vf.Address]}";
                    problems.Add($"{sourceName} line {line}: physical function {pf.Address}: virtual function {vf.Address} {other}");
                }
            }
        }
    }

    // YamlDotNet prefixes its messages with the marks "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the line is reported separately.
    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ", RegexOptions.CultureInvariant)]
    private static partial Regex MarkPrefix();
}
