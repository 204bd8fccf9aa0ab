namespace SriovForwarder.Kernel.Pci;

/// <summary>A PCI sysfs operation failed; the message names the function, the path or the driver involved.</summary>
public sealed class PciException : Exception
{
    public PciException()
    {
    }

    public PciException(string message)
        : base(message)
    {
    }

    public PciException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>True when the function itself is not in sysfs (unplugged, or a wrong address), not merely unusable.</summary>
    public bool DeviceMissing { get; init; }
}
