using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace SriovForwarder.Grains.Configuration;

/// <summary>Reads one PF entry, collecting every problem; checks run in upstream's order (drivers, capabilities, service domains).</summary>
internal sealed class PhysicalFunctionParser(string sourceName, List<string> problems)
{
    public PhysicalFunctionConfig? Parse(YamlNode keyNode, YamlNode valueNode)
    {
        if (keyNode is not YamlScalarNode { Value: { } address })
        {
            problems.Add($"{sourceName} line {YamlNodes.Line(keyNode)}: a physical function key must be its PCI address, such as 0000:01:00.0");
            return null;
        }

        var before = problems.Count;
        void Problem(YamlNode node, string text) => problems.Add($"{sourceName} line {YamlNodes.Line(node)}: physical function {address}: {text}");
        void Missing(string field) => problems.Add($"{sourceName} line {YamlNodes.Line(keyNode)}: physical function {address} has no {field} set");

        if (PciAddressCheck.Problem("physical function address", address) is { } addressProblem)
        {
            problems.Add($"{sourceName} line {YamlNodes.Line(keyNode)}: {addressProblem}");
        }

        if (!YamlNodes.IsNull(valueNode) && valueNode is not YamlMappingNode)
        {
            Problem(valueNode, "must be a mapping with pfKernelDriver, vfKernelDriver, capabilities and serviceDomains");
            return null;
        }

        var mapping = valueNode as YamlMappingNode ?? new YamlMappingNode();
        var pfDriver = YamlNodes.Text(YamlNodes.Field(mapping, "pfKernelDriver", Problem), "pfKernelDriver", Problem);
        if (pfDriver is "")
        {
            Missing("pfKernelDriver");
        }

        var vfDriver = YamlNodes.Text(YamlNodes.Field(mapping, "vfKernelDriver", Problem), "vfKernelDriver", Problem);
        if (vfDriver is "")
        {
            Missing("vfKernelDriver");
        }

        var capabilities = YamlNodes.Words(YamlNodes.Field(mapping, "capabilities", Problem), "capabilities", "[intel, 10G]", Problem);
        if (capabilities is [])
        {
            Missing("capabilities");
        }

        var domains = YamlNodes.Words(YamlNodes.Field(mapping, "serviceDomains", Problem), "serviceDomains", "[worker.domain]", Problem);
        if (domains is [])
        {
            Missing("serviceDomains");
        }

        CheckResourceNames(capabilities ?? [], domains ?? [], Problem);
        var virtualFunctions = new VirtualFunctionListParser(Problem).Parse(YamlNodes.Field(mapping, "virtualFunctions", Problem));
        if (problems.Count > before)
        {
            return null;
        }

        return new PhysicalFunctionConfig(
            address, pfDriver!, vfDriver!, capabilities!.Select(c => c.Text).ToList(), domains!.Select(d => d.Text).ToList(), virtualFunctions);
    }

    // Kubelet refuses an invalid extended resource name at registration; upstream only found out then and exited.
    private static void CheckResourceNames(
        IReadOnlyList<(string Text, YamlNode Node)> capabilities, IReadOnlyList<(string Text, YamlNode Node)> domains, Action<YamlNode, string> problem)
    {
        var exampleCapability = capabilities.Count > 0 ? capabilities[0].Text : "capability";
        foreach (var (domain, node) in domains.Where(d => !ResourceName.IsValidServiceDomain(d.Text)))
        {
            problem(node, string.Create(CultureInfo.InvariantCulture,
                $"service domain \"{domain}\" is not a DNS subdomain (lowercase letters, digits, '-' and '.', labels of at most 63 characters, 253 in all), so kubelet would refuse the resource name \"{domain}/{exampleCapability}\""));
        }

        var exampleDomain = domains.Count > 0 ? domains[0].Text : "service.domain";
        foreach (var (capability, node) in capabilities.Where(c => !ResourceName.IsValidCapability(c.Text)))
        {
            problem(node, string.Create(CultureInfo.InvariantCulture,
                $"capability \"{capability}\" is not a valid name (letters, digits, '-', '_' and '.', starting and ending with a letter or digit, at most 63 characters), so kubelet would refuse the resource name \"{exampleDomain}/{capability}\""));
        }
    }
}
