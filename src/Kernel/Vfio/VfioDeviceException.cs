namespace SriovForwarder.Kernel.Vfio;

/// <summary>A VFIO device node is missing, is not a character device, or could not be examined.</summary>
public sealed class VfioDeviceException : IOException
{
    public VfioDeviceException()
    {
    }

    public VfioDeviceException(string message)
        : base(message)
    {
    }

    public VfioDeviceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
