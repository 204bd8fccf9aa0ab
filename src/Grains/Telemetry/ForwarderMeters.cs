using System.Diagnostics;
using System.Diagnostics.Metrics;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Telemetry;

/// <summary>
/// The one meter of the grains: VF and token gauges read from the node grain's last published counts (no grain call per
/// scrape), and the allocation latency of the chain's resource-pool element.
/// </summary>
public static class ForwarderMeters
{
    /// <summary>The meter name to subscribe to.</summary>
    public const string Name = "SriovForwarder.Grains";

    private static readonly Meter Meter = new(Name);

    private static readonly Histogram<double> AllocationDuration = Meter.CreateHistogram<double>(
        "sriov_forwarder.vf.allocation.duration", "s",
        "Time to reserve a VF for a connection and bind its IOMMU group to the mechanism's driver");

    // Observable gauges live as long as the meter; the fields keep them named and make them part of the type's start.
    private static readonly ObservableGauge<long> Vfs = Meter.CreateObservableGauge("sriov_forwarder.vfs", ObserveVfs, "{vf}",
        "VFs of each PF by state (free, reserved), one series per resource the PF offers");

    private static readonly ObservableGauge<long> Tokens = Meter.CreateObservableGauge("sriov_forwarder.tokens", ObserveTokens, "{token}",
        "Device-plugin tokens of each resource by state (free, allocated, in_use, closed)");

    private static readonly ObservableGauge<long> TokenHealth = Meter.CreateObservableGauge("sriov_forwarder.tokens.health", ObserveTokenHealth, "{token}",
        "Device-plugin tokens of each resource by the health ListAndWatch reports (healthy, unhealthy)");

    /// <summary>Creates the instruments (static fields are made on first use: the host calls this at start so the gauges exist before any allocation).</summary>
    /// <returns>The names of the gauges.</returns>
    public static IReadOnlyList<string> EnsureInstruments() => [Vfs.Name, Tokens.Name, TokenHealth.Name, AllocationDuration.Name];

    /// <summary>Records one VF allocation (reserve and bind) of <paramref name="driver"/> with its result.</summary>
    public static void RecordAllocation(TimeSpan elapsed, VfDriver driver, string result) =>
        AllocationDuration.Record(elapsed.TotalSeconds,
            new TagList { { "driver", driver.ToString().ToLowerInvariant() }, { "result", result } });

    private static IEnumerable<Measurement<long>> ObserveVfs()
    {
        foreach (var node in NodeCounts.Latest)
        {
            foreach (var pf in node.PhysicalFunctions)
            {
                foreach (var resource in pf.ResourceNames.DefaultIfEmpty(""))
                {
                    yield return Measure(pf.FreeVfs, node.Node, ("pf", pf.Address), ("resource", resource), ("state", "free"));
                    yield return Measure(pf.ReservedVfs, node.Node, ("pf", pf.Address), ("resource", resource), ("state", "reserved"));
                }
            }
        }
    }

    private static IEnumerable<Measurement<long>> ObserveTokens()
    {
        foreach (var node in NodeCounts.Latest)
        {
            foreach (var resource in node.Resources)
            {
                yield return Measure(resource.Free, node.Node, ("resource", resource.Name), ("state", "free"));
                yield return Measure(resource.Allocated, node.Node, ("resource", resource.Name), ("state", "allocated"));
                yield return Measure(resource.InUse, node.Node, ("resource", resource.Name), ("state", "in_use"));
                yield return Measure(resource.Closed, node.Node, ("resource", resource.Name), ("state", "closed"));
            }
        }
    }

    private static IEnumerable<Measurement<long>> ObserveTokenHealth()
    {
        foreach (var node in NodeCounts.Latest)
        {
            foreach (var resource in node.Resources)
            {
                // A closed token is the one ListAndWatch reports Unhealthy (a token of another name uses a VF of its PF).
                yield return Measure(resource.Tokens - resource.Closed, node.Node, ("resource", resource.Name), ("health", "healthy"));
                yield return Measure(resource.Closed, node.Node, ("resource", resource.Name), ("health", "unhealthy"));
            }
        }
    }

    private static Measurement<long> Measure(long value, string node, params (string Key, string Value)[] tags)
    {
        var list = new TagList { { "node", node } };
        foreach (var (key, tagValue) in tags)
        {
            list.Add(key, tagValue);
        }

        return new Measurement<long>(value, list);
    }
}
