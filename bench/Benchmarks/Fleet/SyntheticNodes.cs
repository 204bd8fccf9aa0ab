using System.Globalization;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Benchmarks.Fleet;

/// <summary>
/// Node snapshots shaped like a real report (2 PFs x 8 VFs with the sysfs view, 3 resources, a few reservations with
/// owners, latency figures), for the fleet benchmark's simulated nodes. Free capacity varies per node so FindNodes has
/// something to choose and sort.
/// </summary>
public static class SyntheticNodes
{
    public const string Resource = "service.domain.1/intel";

    public static NodeSnapshot Snapshot(int index, string silo, long sequence, DateTimeOffset activatedAt)
    {
        var node = Name(index);
        var held = index % 9;
        var pfs = new List<PhysicalFunctionSummary>();
        var hardware = new List<PhysicalFunctionSnapshot>();
        var reservations = new List<VfReservation>();
        for (var p = 0; p < 2; p++)
        {
            var pfAddress = string.Create(CultureInfo.InvariantCulture, $"0000:0{p + 1}:00.0");
            var vfs = new List<VirtualFunctionState>();
            for (var v = 0; v < 8; v++)
            {
                var vf = string.Create(CultureInfo.InvariantCulture, $"0000:0{p + 1}:01.{v}");
                vfs.Add(new VirtualFunctionState(vf, v, 10 + (p * 8) + v, "iavf", $"sv{index}p{p}v{v}", p));
                if ((p * 8) + v < held)
                {
                    reservations.Add(new VfReservation($"conn-{index}-{v}", $"sriov-{index}-{p}-{v}", Resource, pfAddress, vf, v, 10 + (p * 8) + v,
                        VfDriver.Kernel, activatedAt, new VfOwner("nsc", "ns", "KERNEL")));
                }
            }

            var free = 8 - reservations.Count(r => r.PfAddress == pfAddress);
            pfs.Add(new PhysicalFunctionSummary(pfAddress, $"sv{index}p{p}", p == 0 ? [Resource, "service.domain.1/10G"] : [Resource, "service.domain.1/20G"], 8, free, 8 - free));
            hardware.Add(new PhysicalFunctionSnapshot(pfAddress, "ice", $"sv{index}p{p}", p, vfs, activatedAt, "up"));
        }

        var resources = new List<ResourceSummary>
        {
            new(Resource, 16, 16 - held, 0, held, 0, 16, 0),
            new("service.domain.1/10G", 8, 8, 0, 0, 0, 8, 0),
            new("service.domain.1/20G", 8, 8, 0, 0, 0, 8, 0),
        };
        var groups = reservations.ToDictionary(r => r.IommuGroup, _ => VfDriver.Kernel);
        var latency = new AllocationLatency(new LatencyFigure(100, 0.4, 1.2), new LatencyFigure(100, 3, 9), new LatencyFigure(100, 12, 30));
        return new NodeSnapshot(node, pfs, resources, reservations, groups, activatedAt, silo, hardware, latency, sequence);
    }

    public static string Name(int index) => string.Create(CultureInfo.InvariantCulture, $"node-{index:D5}");
}
