namespace SriovForwarder.Kernel.Cgroups;

/// <summary>The device type of a cgroup-v1 device rule, with the letter the kernel uses as its value.</summary>
public enum DeviceType
{
    /// <summary><c>a</c>: every device, block and character.</summary>
    All = 'a',

    /// <summary><c>b</c>: block devices.</summary>
    Block = 'b',

    /// <summary><c>c</c>: character devices (VFIO nodes are character devices).</summary>
    Character = 'c',
}
