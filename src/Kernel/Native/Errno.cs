using System.Runtime.InteropServices;

namespace SriovForwarder.Kernel.Native;

/// <summary>Symbolic names and descriptions of Linux errno values.</summary>
public static class Errno
{
    /// <summary>EEXIST: the object (name, address, route) already exists.</summary>
    public const int EExist = 17;

    /// <summary>ENODEV: no such device (unknown interface).</summary>
    public const int ENoDev = 19;

    /// <summary>ENOENT: no such object.</summary>
    public const int ENoEnt = 2;

    /// <summary>EOPNOTSUPP: the device does not support the operation (e.g. VF settings on a veth).</summary>
    public const int EOpNotSupp = 95;

    /// <summary>EBADF: bad file descriptor.</summary>
    public const int EBadF = 9;

    /// <summary>EINTR: a signal interrupted the call; retry it.</summary>
    public const int EIntr = 4;

    /// <summary>EAGAIN: the call would block on a non-blocking descriptor.</summary>
    public const int EAgain = 11;

    /// <summary>The symbolic name of <paramref name="errno"/>, e.g. <c>EEXIST</c>.</summary>
    public static string Name(int errno) => errno switch
    {
        1 => "EPERM",
        2 => "ENOENT",
        3 => "ESRCH",
        4 => "EINTR",
        5 => "EIO",
        6 => "ENXIO",
        7 => "E2BIG",
        9 => "EBADF",
        11 => "EAGAIN",
        12 => "ENOMEM",
        13 => "EACCES",
        14 => "EFAULT",
        16 => "EBUSY",
        17 => "EEXIST",
        18 => "EXDEV",
        19 => "ENODEV",
        20 => "ENOTDIR",
        21 => "EISDIR",
        22 => "EINVAL",
        23 => "ENFILE",
        24 => "EMFILE",
        25 => "ENOTTY",
        28 => "ENOSPC",
        34 => "ERANGE",
        36 => "ENAMETOOLONG",
        38 => "ENOSYS",
        39 => "ENOTEMPTY",
        61 => "ENODATA",
        71 => "EPROTO",
        90 => "EMSGSIZE",
        93 => "EPROTONOSUPPORT",
        95 => "EOPNOTSUPP",
        97 => "EAFNOSUPPORT",
        98 => "EADDRINUSE",
        99 => "EADDRNOTAVAIL",
        100 => "ENETDOWN",
        101 => "ENETUNREACH",
        105 => "ENOBUFS",
        110 => "ETIMEDOUT",
        113 => "EHOSTUNREACH",
        _ => $"errno {errno}",
    };

    /// <summary>The C library's description of <paramref name="errno"/>, e.g. <c>File exists</c>.</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>The description followed by the number, e.g. <c>File exists (errno 17)</c>; the text VFIO errors have always carried.</summary>
    public static string DescribeWithNumber(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
