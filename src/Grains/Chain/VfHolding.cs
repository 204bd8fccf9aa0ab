using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Chain;

/// <summary>The VF a connection holds (upstream's VF config): enough to free it and to program it through its PF.</summary>
[GenerateSerializer, Alias("sriov.VfHolding")]
public sealed class VfHolding
{
    /// <summary>The token the VF was reserved with.</summary>
    [Id(0)]
    public string TokenId { get; set; } = string.Empty;

    /// <summary>The PF's PCI address.</summary>
    [Id(1)]
    public string PfAddress { get; set; } = string.Empty;

    /// <summary>The VF's PCI address.</summary>
    [Id(2)]
    public string VfAddress { get; set; } = string.Empty;

    /// <summary>The VF number on its PF.</summary>
    [Id(3)]
    public int VfNumber { get; set; }

    /// <summary>The VF's IOMMU group.</summary>
    [Id(4)]
    public int IommuGroup { get; set; }

    /// <summary>The driver the group is bound to.</summary>
    [Id(5)]
    public VfDriver Driver { get; set; }

    /// <summary>The VF's netdev name in the host namespace (KERNEL only).</summary>
    [Id(6)]
    public string? VfInterfaceName { get; set; }
}
