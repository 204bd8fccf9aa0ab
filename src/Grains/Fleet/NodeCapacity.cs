using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Fleet;

/// <summary>
/// How many more VFs of one resource a node can hand out, computed once per report so that FindNodes over a large
/// fleet is a dictionary look-up per node: a free token and a free VF each, and for one driver only the VFs whose
/// IOMMU group is unused or already bound to that driver.
/// </summary>
/// <param name="Any">For any driver.</param>
/// <param name="Kernel">For the VF kernel driver (KERNEL).</param>
/// <param name="VfioPci">For vfio-pci (VFIO).</param>
public sealed record NodeCapacity(int Any, int Kernel, int VfioPci)
{
    /// <summary>The capacity for <paramref name="driver"/>, or for any driver when null.</summary>
    public int For(VfDriver? driver) => driver switch
    {
        VfDriver.Kernel => Kernel,
        VfDriver.VfioPci => VfioPci,
        _ => Any,
    };

    /// <summary>Each resource's capacity as <paramref name="snapshot"/> shows it.</summary>
    public static IReadOnlyDictionary<string, NodeCapacity> Of(NodeSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var any = new Dictionary<string, int>(StringComparer.Ordinal);
        var kernel = new Dictionary<string, int>(StringComparer.Ordinal);
        var vfio = new Dictionary<string, int>(StringComparer.Ordinal);
        var namesOf = snapshot.PhysicalFunctions.ToDictionary(pf => pf.Address, pf => pf.ResourceNames, StringComparer.Ordinal);
        if (snapshot.Hardware is { } hardware)
        {
            var reserved = snapshot.Reservations.Select(r => r.VfAddress).ToHashSet(StringComparer.Ordinal);
            // An unhealthy VF is not offered (issue 13): it counts like a reserved one.
            reserved.UnionWith(snapshot.UnusableVfs?.Keys ?? []);
            foreach (var pf in hardware)
            {
                var names = namesOf.GetValueOrDefault(pf.Address) ?? [];
                foreach (var vf in pf.VirtualFunctions.Where(vf => !reserved.Contains(vf.Address)))
                {
                    var group = snapshot.IommuGroupDrivers.GetValueOrDefault(vf.IommuGroup, VfDriver.NoDriver);
                    foreach (var name in names)
                    {
                        Add(any, name, 1);
                        Add(kernel, name, group is VfDriver.NoDriver or VfDriver.Kernel ? 1 : 0);
                        Add(vfio, name, group is VfDriver.NoDriver or VfDriver.VfioPci ? 1 : 0);
                    }
                }
            }
        }
        else
        {
            // A report without the sysfs read (an older node): the PF counts, driver not known.
            foreach (var pf in snapshot.PhysicalFunctions)
            {
                foreach (var name in pf.ResourceNames)
                {
                    Add(any, name, pf.FreeVfs);
                    Add(kernel, name, pf.FreeVfs);
                    Add(vfio, name, pf.FreeVfs);
                }
            }
        }

        return snapshot.Resources.ToDictionary(
            r => r.Name,
            r => new NodeCapacity(
                Math.Min(r.Free, any.GetValueOrDefault(r.Name)),
                Math.Min(r.Free, kernel.GetValueOrDefault(r.Name)),
                Math.Min(r.Free, vfio.GetValueOrDefault(r.Name))),
            StringComparer.Ordinal);
    }

    private static void Add(Dictionary<string, int> counts, string name, int value) =>
        counts[name] = counts.GetValueOrDefault(name) + value;
}
