using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Kernel.Simulation;

/// <summary>The shape of a simulated SR-IOV node: its physical functions and how vfio-pci treats device ids.</summary>
public sealed record SimulatedNodeSpec
{
    /// <summary>Two PFs (ice, 8 iavf VFs each, none enabled yet), shaped like upstream's test config.</summary>
    public static SimulatedNodeSpec Default { get; } = new()
    {
        PhysicalFunctions =
        [
            new SimulatedPhysicalFunctionSpec { Capabilities = ["intel", "10G"], ServiceDomains = ["service.domain.1"] },
            new SimulatedPhysicalFunctionSpec
            {
                Capabilities = ["intel", "20G"],
                ServiceDomains = ["service.domain.1", "service.domain.2"],
                NumaNode = 0,
            },
        ],
    };

    /// <summary>The PFs, in order; PF i gets the netdev suffix <c>p{i}</c>.</summary>
    public IReadOnlyList<SimulatedPhysicalFunctionSpec> PhysicalFunctions { get; init; } = [];

    /// <summary>
    /// When true vfio-pci binds a VF without <c>driver_override</c> (as if its id had been added with
    /// <c>new_id</c>); when false, like a stock kernel, vfio-pci refuses such a bind.
    /// </summary>
    public bool VfioPciAcceptsDeviceIds { get; init; }

    /// <summary>Parses the compact CLI form; see <see cref="SimulatedNodeSpecParser"/> for the grammar.</summary>
    public static SimulatedNodeSpec Parse(string? text) => SimulatedNodeSpecParser.Parse(text);

    /// <summary>The PCI address of PF number <paramref name="index"/>.</summary>
    public string PhysicalFunctionAddress(int index) =>
        PhysicalFunctions[index].Address ?? PciAddress.Create(0, index + 1, 0, 0).ToString();

    /// <summary>Checks ranges, driver names and that no two functions share an address; throws naming the field.</summary>
    public void Validate() => SimulatedNodeSpecValidator.Validate(this);
}
