namespace SriovForwarder.Kernel.Simulation;

/// <summary>The shape of one simulated SR-IOV physical function and its virtual functions.</summary>
public sealed record SimulatedPhysicalFunctionSpec
{
    /// <summary>Most VFs the simulated layout can address on one PF (devices 1..31 of its bus, 8 functions each).</summary>
    public const int MaxTotalVfs = 248;

    /// <summary>Long-form PCI address; null places PF number i at <c>0000:(i+1):00.0</c>.</summary>
    public string? Address { get; init; }

    /// <summary>Content of <c>sriov_totalvfs</c>.</summary>
    public int TotalVfs { get; init; } = 8;

    /// <summary>VFs already enabled when the node is built (0: opening the PF must enable them).</summary>
    public int InitialVfs { get; init; }

    /// <summary>Kernel driver of the PF.</summary>
    public string PfDriver { get; init; } = "ice";

    /// <summary>Kernel driver a VF gets when it is created.</summary>
    public string VfDriver { get; init; } = "iavf";

    /// <summary>PCI vendor id written to <c>vendor</c>.</summary>
    public string VendorId { get; init; } = "0x8086";

    /// <summary>PCI device id of the PF (Intel E810 by default).</summary>
    public string PfDeviceId { get; init; } = "0x1592";

    /// <summary>PCI device id of the VFs (Intel E810 VF by default).</summary>
    public string VfDeviceId { get; init; } = "0x1889";

    /// <summary>Content of <c>numa_node</c> for the PF and its VFs.</summary>
    public int NumaNode { get; init; }

    /// <summary>How many consecutive VFs share one IOMMU group (1: a group per VF, the ACS-capable case).</summary>
    public int VfsPerIommuGroup { get; init; } = 1;

    /// <summary>When true the PF and all its VFs form one IOMMU group (no ACS), which rebinding must refuse.</summary>
    public bool PfSharesIommuGroup { get; init; }

    /// <summary>Capability words written to the SR-IOV config file.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = ["intel", "10G"];

    /// <summary>Service domains written to the SR-IOV config file.</summary>
    public IReadOnlyList<string> ServiceDomains { get; init; } = ["service.domain.1"];
}
