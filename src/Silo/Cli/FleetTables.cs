using System.Globalization;
using System.Text;
using SriovForwarder.Api.Fleet.V1;

namespace SriovForwarder.Silo.Cli;

/// <summary>The fleet API's answers as readable tables.</summary>
public static class FleetTables
{
    /// <summary>One row per node: live or down, PF and VF counts, unhealthy VFs, and free/tokens of every resource.</summary>
    public static string Fleet(FleetView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var resources = view.Nodes.SelectMany(n => n.TokenPools.Select(p => p.ResourceName)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var table = new TextTable(["NODE", "LIVE", "PFS", "VFS FREE/TOTAL", "UNHEALTHY VFS", .. resources.Select(r => r + " FREE/TOKENS")]);
        foreach (var node in view.Nodes)
        {
            var pools = node.TokenPools.ToDictionary(p => p.ResourceName, StringComparer.Ordinal);
            table.Add([
                node.Name,
                node.Live ? "yes" : "no (" + node.DownReason + ")",
                Number(node.PhysicalFunctions.Count),
                $"{node.PhysicalFunctions.Sum(p => p.FreeVfs)}/{node.PhysicalFunctions.Sum(p => p.TotalVfs)}",
                Number(node.PhysicalFunctions.Sum(p => p.UnhealthyVfs)),
                .. resources.Select(r => pools.TryGetValue(r, out var p) ? $"{p.Free}/{p.Tokens}" : "-"),
            ]);
        }

        var capacity = new TextTable("RESOURCE", "LIVE NODES", "TOKENS", "FREE", "ALLOCATED", "IN USE", "HEALTHY", "UNHEALTHY");
        foreach (var c in view.Capacity)
        {
            capacity.Add(c.ResourceName, Number(c.Nodes), Number(c.Tokens), Number(c.Free), Number(c.Allocated), Number(c.InUse), Number(c.Healthy), Number(c.Unhealthy));
        }

        return table + Environment.NewLine + Environment.NewLine + capacity;
    }

    /// <summary>One node: its state, PFs and VFs with their health and owners, token pools and latency.</summary>
    public static string Node(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"node {node.Name}: {(node.Live ? "live" : "down (" + node.DownReason + ")")}, silo {Or(node.Silo)}, reported {(node.ReportedAt is null ? "never" : node.ReportedAt.ToDateTimeOffset().ToString("u", CultureInfo.InvariantCulture))}");
        text.AppendLine();
        var pfs = new TextTable("PF", "DRIVER", "NETDEV", "NUMA", "LINK", "VFS FREE/TOTAL", "UNHEALTHY VFS", "RESOURCES", "HEALTH");
        foreach (var pf in node.PhysicalFunctions)
        {
            pfs.Add(pf.Address, Or(pf.Driver), Or(pf.Netdev), Number(pf.NumaNode), Or(pf.Link), $"{pf.FreeVfs}/{pf.TotalVfs}", Number(pf.UnhealthyVfs),
                string.Join(",", pf.ResourceNames), Health(pf.HealthReason, pf.UnhealthySince));
        }

        text.AppendLine(pfs.ToString()).AppendLine();
        var vfs = new TextTable("VF", "PF", "#", "GROUP", "DRIVER", "NETDEV", "STATE", "CLIENT", "SERVICE", "MECHANISM", "SINCE", "CONNECTION", "HEALTH");
        foreach (var pf in node.PhysicalFunctions)
        {
            foreach (var vf in pf.VirtualFunctions)
            {
                var owner = vf.Owner;
                vfs.Add(vf.Address, pf.Address, Number(vf.VfNumber), Number(vf.IommuGroup), Or(vf.Driver), Or(vf.Netdev), vf.State,
                    owner is null ? string.Empty : Or(owner.Client), owner?.NetworkService ?? string.Empty, owner?.Mechanism ?? string.Empty,
                    owner?.Since is null ? string.Empty : owner.Since.ToDateTimeOffset().ToString("u", CultureInfo.InvariantCulture), owner?.ConnectionId ?? string.Empty,
                    Health(vf.HealthReason, null));
            }
        }

        text.AppendLine(vfs.ToString()).AppendLine();
        var pools = new TextTable("RESOURCE", "TOKENS", "HEALTHY", "UNHEALTHY", "FREE", "ALLOCATED", "IN USE");
        foreach (var p in node.TokenPools)
        {
            pools.Add(p.ResourceName, Number(p.Tokens), Number(p.Healthy), Number(p.Unhealthy), Number(p.Free), Number(p.Allocated), Number(p.InUse));
        }

        text.AppendLine(pools.ToString()).AppendLine();
        var latency = new TextTable("STEP", "MEDIAN MS", "P99 MS", "SAMPLES");
        foreach (var (step, figure) in new[] { ("reserve", node.Latency?.Reserve), ("bind", node.Latency?.Bind), ("request", node.Latency?.Request) })
        {
            latency.Add(step, Millis(figure?.MedianMs ?? 0), Millis(figure?.P99Ms ?? 0), Number(figure?.Samples ?? 0));
        }

        return text.Append(latency).ToString();
    }

    /// <summary>The nodes that can give the VFs, best first.</summary>
    public static string Find(FindNodesResponse found)
    {
        ArgumentNullException.ThrowIfNull(found);
        if (found.Nodes.Count == 0)
        {
            return "no live node can give that many now";
        }

        var table = new TextTable("NODE", "AVAILABLE");
        foreach (var match in found.Nodes)
        {
            table.Add(match.Name, Number(match.Available));
        }

        return found.More ? table + Environment.NewLine + $"(more nodes could; only the best {Number(found.Nodes.Count)} are listed: --limit N for more)" : table.ToString();
    }

    // "ok", or the reason the PF or VF cannot be offered (last column: reasons have spaces) and, for a PF, since when.
    private static string Health(string reason, Google.Protobuf.WellKnownTypes.Timestamp? since) =>
        reason.Length == 0 ? "ok" : since is null ? reason : $"{reason} (since {since.ToDateTimeOffset().ToString("u", CultureInfo.InvariantCulture)})";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Millis(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Or(string value) => value.Length == 0 ? "-" : value;
}
