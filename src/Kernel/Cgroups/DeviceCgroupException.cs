namespace SriovForwarder.Kernel.Cgroups;

/// <summary>A device rule could not be applied: no cgroup matched, a cgroup file could not be read or written.</summary>
public sealed class DeviceCgroupException : IOException
{
    public DeviceCgroupException()
    {
    }

    public DeviceCgroupException(string message)
        : base(message)
    {
    }

    public DeviceCgroupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
