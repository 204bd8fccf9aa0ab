namespace SriovForwarder.Kernel.Netlink;

/// <summary>The kernel refused an rtnetlink request; the message names the operation, the object, the namespace and the errno.</summary>
public sealed class NetlinkException(string operation, string netns, int errno, string? kernelMessage = null)
    : Exception(Format(operation, netns, errno, kernelMessage))
{
    /// <summary>The request, e.g. <c>RTM_NEWLINK rename nsm-1 -> eth0</c>.</summary>
    public string Operation { get; } = operation;

    /// <summary>The namespace the socket works in (<c>host</c> or the namespace URL).</summary>
    public string Namespace { get; } = netns;

    /// <summary>The positive errno value the kernel returned.</summary>
    public int Errno { get; } = errno;

    /// <summary>The symbolic errno name, e.g. <c>EEXIST</c>.</summary>
    public string ErrnoName => Native.Errno.Name(Errno);

    /// <summary>The kernel's extended-ack text, when it sent one.</summary>
    public string? KernelMessage { get; } = kernelMessage;

    /// <summary>Whether the interface does not exist (ENODEV), which upstream treats as "Link not found".</summary>
    public bool IsLinkNotFound => Errno == Native.Errno.ENoDev;

    private static string Format(string operation, string netns, int errno, string? kernelMessage)
    {
        var text = $"{operation} in netns {netns} failed: {Native.Errno.Name(errno)} ({Native.Errno.Describe(errno)})";
        return string.IsNullOrEmpty(kernelMessage) ? text : $"{text}: {kernelMessage}";
    }
}
