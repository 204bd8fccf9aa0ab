using System.Globalization;
using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Kernel.Simulation;

/// <summary>Every function a spec can bring into existence, with its address, IOMMU group and netdev name.</summary>
internal sealed class SimulatedTopology
{
    /// <summary>First IOMMU group number handed out; real machines number groups from 0 with chipset devices first.</summary>
    public const int FirstIommuGroup = 10;

    private readonly Dictionary<PciAddress, SimulatedFunction> _byAddress = [];

    public SimulatedTopology(SimulatedNodeSpec spec, string tag)
    {
        var group = FirstIommuGroup;
        for (var i = 0; i < spec.PhysicalFunctions.Count; i++)
        {
            var pfSpec = spec.PhysicalFunctions[i];
            var pfAddress = PciAddress.Parse(spec.PhysicalFunctionAddress(i));
            var pfName = string.Create(CultureInfo.InvariantCulture, $"sv{tag}p{i}");
            var pfGroup = group++;
            var pf = new SimulatedFunction(pfAddress, i, -1, pfGroup, pfSpec.PfDriver, pfName, pfSpec.PfDeviceId);
            _byAddress.Add(pfAddress, pf);
            var vfs = new List<SimulatedFunction>(pfSpec.TotalVfs);
            for (var n = 0; n < pfSpec.TotalVfs; n++)
            {
                int vfGroup;
                if (pfSpec.PfSharesIommuGroup)
                {
                    vfGroup = pfGroup;
                }
                else
                {
                    vfGroup = n % pfSpec.VfsPerIommuGroup == 0 ? group++ : group - 1;
                }

                var vf = new SimulatedFunction(
                    VfAddress(pfAddress, n), i, n, vfGroup, pfSpec.VfDriver, $"{pfName}v{n}", pfSpec.VfDeviceId);
                vfs.Add(vf);
                _byAddress.Add(vf.Address, vf);
            }

            PhysicalFunctions.Add(pf);
            VirtualFunctions.Add(vfs);
        }
    }

    public List<SimulatedFunction> PhysicalFunctions { get; } = [];

    /// <summary>VFs per PF index, in VF-number order.</summary>
    public List<List<SimulatedFunction>> VirtualFunctions { get; } = [];

    public IEnumerable<SimulatedFunction> All => _byAddress.Values;

    /// <summary>VF n of a PF sits on the PF's bus, from the next device on, eight functions per device.</summary>
    public static PciAddress VfAddress(PciAddress pf, int vfNumber) =>
        PciAddress.Create(pf.Domain, pf.Bus, pf.Device + 1 + (vfNumber / 8), vfNumber % 8);

    public SimulatedFunction? Find(string address) =>
        PciAddress.TryParse(address, out var parsed) && _byAddress.TryGetValue(parsed, out var function) ? function : null;
}
