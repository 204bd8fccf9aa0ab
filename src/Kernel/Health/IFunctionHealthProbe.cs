namespace SriovForwarder.Kernel.Health;

/// <summary>
/// The sysfs and /dev facts the periodic health reconcile checks, for what has no kernel event: a PF or VF device that
/// went away, a VF no longer linked from its PF, the driver a function is bound to, a VFIO group device node.
/// <see cref="SysfsFunctionHealthProbe"/> reads them; grain tests use a fake.
/// </summary>
public interface IFunctionHealthProbe
{
    /// <summary>Whether the PCI function's device directory exists.</summary>
    bool DeviceExists(string address);

    /// <summary>The address the PF's <c>virtfn<paramref name="vfNumber"/></c> link points at, or null when there is no such link.</summary>
    string? VirtualFunctionAddress(string pfAddress, int vfNumber);

    /// <summary>The driver the function is bound to, or null when it is unbound or gone.</summary>
    string? DriverOf(string address);

    /// <summary>Whether <c>/dev/vfio/<paramref name="iommuGroup"/></c> exists.</summary>
    bool VfioGroupNodeExists(int iommuGroup);
}
