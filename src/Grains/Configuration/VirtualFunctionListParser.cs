using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace SriovForwarder.Grains.Configuration;

/// <summary>Reads a PF's optional <c>virtualFunctions</c> list, dropping repeated addresses (upstream bug #2 kept them).</summary>
internal sealed class VirtualFunctionListParser(Action<YamlNode, string> problem)
{
    public IReadOnlyList<VirtualFunctionConfig> Parse(YamlNode? node)
    {
        if (YamlNodes.IsNull(node))
        {
            return [];
        }

        if (node is not YamlSequenceNode sequence)
        {
            problem(node!, "virtualFunctions must be a list of entries with address and iommuGroup");
            return [];
        }

        var byAddress = new Dictionary<string, VirtualFunctionConfig>(StringComparer.Ordinal);
        var ordered = new List<VirtualFunctionConfig>();
        foreach (var item in sequence.Children)
        {
            if (ParseOne(item) is not { } vf)
            {
                continue;
            }

            if (!byAddress.TryGetValue(vf.Address, out var earlier))
            {
                byAddress.Add(vf.Address, vf);
                ordered.Add(vf);
            }
            else if (earlier.IommuGroup != vf.IommuGroup)
            {
                problem(item, string.Create(CultureInfo.InvariantCulture,
                    $"virtual function {vf.Address} is listed twice with different iommuGroups ({earlier.IommuGroup} and {vf.IommuGroup})"));
            }
        }

        return ordered;
    }

    private VirtualFunctionConfig? ParseOne(YamlNode item)
    {
        if (item is not YamlMappingNode mapping)
        {
            problem(item, "a virtualFunctions entry must be a mapping with address and iommuGroup");
            return null;
        }

        var address = YamlNodes.Text(YamlNodes.Field(mapping, "address", problem), "virtual function address", problem);
        if (address is null)
        {
            return null;
        }

        if (address.Length == 0)
        {
            problem(item, "a virtual function has no address set");
            return null;
        }

        if (PciAddressCheck.Problem("virtual function address", address) is { } addressProblem)
        {
            problem(item, addressProblem);
            return null;
        }

        var groupNode = YamlNodes.Field(mapping, "iommuGroup", problem);
        if (YamlNodes.IsNull(groupNode))
        {
            problem(item, $"virtual function {address} has no iommuGroup set");
            return null;
        }

        if (groupNode is not YamlScalarNode { Value: { } text }
            || text.Length == 0
            || !text.All(char.IsAsciiDigit)
            || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var group))
        {
            var shown = groupNode is YamlScalarNode scalar ? $"\"{scalar.Value}\"" : "a list or mapping";
            problem(groupNode!, $"virtual function {address} has iommuGroup {shown}; it must be a non-negative integer");
            return null;
        }

        return new VirtualFunctionConfig(address, group);
    }
}
