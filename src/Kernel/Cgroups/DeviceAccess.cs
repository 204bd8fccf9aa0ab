namespace SriovForwarder.Kernel.Cgroups;

/// <summary>The access letters of a cgroup-v1 device rule: read, write, mknod.</summary>
[Flags]
public enum DeviceAccess
{
    /// <summary>No access; never valid in a rule.</summary>
    None = 0,

    /// <summary><c>r</c>: open for reading.</summary>
    Read = 1,

    /// <summary><c>w</c>: open for writing.</summary>
    Write = 2,

    /// <summary><c>m</c>: create the node with mknod.</summary>
    Mknod = 4,

    /// <summary><c>rwm</c>.</summary>
    All = Read | Write | Mknod,
}
