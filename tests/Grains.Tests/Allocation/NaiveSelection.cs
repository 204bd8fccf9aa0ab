using SriovForwarder.Grains.Allocation;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Tests.Allocation;

/// <summary>Upstream's selection written the slow, obvious way (filter all VFs, sort), to check the indexed one against.</summary>
internal static class NaiveSelection
{
    /// <summary>The VF upstream would pick, or null; <paramref name="releasing"/> is a VF treated as freed first (a driver change).</summary>
    public static string? Expected(ResourcePoolSnapshot snapshot, string tokenName, VfDriver wanted, string? releasing)
    {
        var held = snapshot.VirtualFunctions.Where(vf => vf.TokenId is not null && vf.Address != releasing).ToList();
        var groupDriver = held.GroupBy(vf => vf.IommuGroup).ToDictionary(group => group.Key, group => group.First().DriverType);
        var freeCount = snapshot.PhysicalFunctions.ToDictionary(
            pf => pf.Address,
            pf => pf.Total - held.Count(vf => vf.PfAddress == pf.Address));
        var names = snapshot.PhysicalFunctions.ToDictionary(pf => pf.Address, pf => pf.ResourceNames);

        return snapshot.VirtualFunctions
            .Where(vf => (vf.TokenId is null || vf.Address == releasing) && names[vf.PfAddress].Contains(tokenName))
            .Select(vf => (vf, driver: groupDriver.GetValueOrDefault(vf.IommuGroup, VfDriver.NoDriver)))
            .Where(candidate => candidate.driver == VfDriver.NoDriver || candidate.driver == wanted)
            .OrderBy(candidate => candidate.driver == wanted ? 0 : 1)
            .ThenByDescending(candidate => freeCount[candidate.vf.PfAddress])
            .ThenBy(candidate => candidate.vf.Address, StringComparer.Ordinal)
            .Select(candidate => candidate.vf.Address)
            .FirstOrDefault();
    }
}
