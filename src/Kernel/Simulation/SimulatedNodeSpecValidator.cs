using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Kernel.Simulation;

/// <summary>Checks a <see cref="SimulatedNodeSpec"/> before anything is built from it.</summary>
internal static class SimulatedNodeSpecValidator
{
    public static void Validate(SimulatedNodeSpec spec)
    {
        if (spec.PhysicalFunctions.Count == 0)
        {
            throw new ArgumentException("a simulated node needs at least one physical function");
        }

        var addresses = new HashSet<PciAddress>();
        for (var i = 0; i < spec.PhysicalFunctions.Count; i++)
        {
            var pf = spec.PhysicalFunctions[i];
            var where = $"physical function {i}";
            Check(pf.TotalVfs is >= 0 and <= SimulatedPhysicalFunctionSpec.MaxTotalVfs, $"{where}: TotalVfs must be 0..{SimulatedPhysicalFunctionSpec.MaxTotalVfs}, got {pf.TotalVfs}");
            Check(pf.InitialVfs >= 0 && pf.InitialVfs <= pf.TotalVfs, $"{where}: InitialVfs must be 0..TotalVfs ({pf.TotalVfs}), got {pf.InitialVfs}");
            Check(pf.VfsPerIommuGroup >= 1, $"{where}: VfsPerIommuGroup must be at least 1, got {pf.VfsPerIommuGroup}");
            Check(pf.NumaNode >= -1, $"{where}: NumaNode must be -1 or more, got {pf.NumaNode}");
            CheckDriver(where, "PfDriver", pf.PfDriver);
            CheckDriver(where, "VfDriver", pf.VfDriver);
            Check(pf.Capabilities.Count > 0, $"{where}: Capabilities must not be empty");
            Check(pf.ServiceDomains.Count > 0, $"{where}: ServiceDomains must not be empty");
            if (pf.Address is not null && !PciAddress.IsValid(pf.Address))
            {
                throw new ArgumentException($"{where}: Address \"{pf.Address}\" is not a long-form PCI address dddd:bb:dd.f");
            }

            var pfAddress = PciAddress.Parse(spec.PhysicalFunctionAddress(i));
            Check(addresses.Add(pfAddress), $"{where}: address {pfAddress} is used twice");
            Check(pfAddress.Device + 1 + ((pf.TotalVfs - 1) / 8) <= 0x1f || pf.TotalVfs == 0, $"{where}: {pf.TotalVfs} VFs do not fit on bus {pfAddress.Bus:x2} after device {pfAddress.Device:x2}");
            for (var vf = 0; vf < pf.TotalVfs; vf++)
            {
                var vfAddress = SimulatedTopology.VfAddress(pfAddress, vf);
                Check(addresses.Add(vfAddress), $"{where}: VF {vf} address {vfAddress} collides with another function");
            }
        }
    }

    private static void CheckDriver(string where, string field, string driver)
    {
        Check(
            !string.IsNullOrWhiteSpace(driver) && driver.IndexOfAny(['/', ' ', ',']) < 0 && driver != DriverBinding.VfioPci,
            $"{where}: {field} \"{driver}\" must be a kernel driver name (no '/', spaces, and not vfio-pci)");
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
