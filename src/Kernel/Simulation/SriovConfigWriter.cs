using System.Text;

namespace SriovForwarder.Kernel.Simulation;

/// <summary>Writes the upstream SR-IOV config YAML (<c>physicalFunctions</c>) describing a simulated node's PFs.</summary>
internal static class SriovConfigWriter
{
    public static void Write(string path, SimulatedNodeSpec spec)
    {
        var yaml = new StringBuilder()
            .Append("# SIMULATION: SR-IOV config of a simulated node (sriov-forwarder --simulate), not real hardware.\n")
            .Append("physicalFunctions:\n");
        for (var i = 0; i < spec.PhysicalFunctions.Count; i++)
        {
            var pf = spec.PhysicalFunctions[i];
            yaml.Append("  \"").Append(spec.PhysicalFunctionAddress(i)).Append("\":\n")
                .Append("    pfKernelDriver: ").Append(Quote(pf.PfDriver)).Append('\n')
                .Append("    vfKernelDriver: ").Append(Quote(pf.VfDriver)).Append('\n')
                .Append("    capabilities: [").AppendJoin(", ", pf.Capabilities.Select(Quote)).Append("]\n")
                .Append("    serviceDomains: [").AppendJoin(", ", pf.ServiceDomains.Select(Quote)).Append("]\n");
        }

        File.WriteAllText(path + ".tmp", yaml.ToString());
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
