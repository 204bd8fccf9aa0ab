namespace SriovForwarder.Kernel.Pci;

/// <summary>An opened SR-IOV physical function with its virtual functions in VF-number order.</summary>
/// <param name="PhysicalFunction">The PF itself.</param>
/// <param name="TotalVfs">Content of <c>sriov_totalvfs</c>.</param>
/// <param name="EnabledVfs">Content of <c>sriov_numvfs</c> after opening.</param>
/// <param name="CreatedVfs">True when opening wrote <c>sriov_numvfs</c> because it was 0.</param>
/// <param name="VirtualFunctions">The VFs ordered by VF number (numeric N of <c>virtfnN</c>).</param>
public sealed record PhysicalFunctionInventory(
    PciFunctionInfo PhysicalFunction,
    int TotalVfs,
    int EnabledVfs,
    bool CreatedVfs,
    IReadOnlyList<VirtualFunctionInfo> VirtualFunctions)
{
    /// <summary>Long-form PCI address of the PF.</summary>
    public string Address => PhysicalFunction.Address;
}
