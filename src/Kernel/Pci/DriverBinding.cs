namespace SriovForwarder.Kernel.Pci;

/// <summary>One PCI function and the driver it must be bound to.</summary>
/// <param name="Address">Long-form PCI address of the function.</param>
/// <param name="Driver">Driver name, e.g. <c>iavf</c> or <c>vfio-pci</c>.</param>
public sealed record DriverBinding(string Address, string Driver)
{
    /// <summary>The driver that hands a function to user space through <c>/dev/vfio</c>.</summary>
    public const string VfioPci = "vfio-pci";

    /// <summary>True when the target is vfio-pci (readiness is then the VFIO group device, not a netdev).</summary>
    public bool IsVfio => Driver == VfioPci;
}
