using SriovForwarder.Kernel.Netlink;

namespace SriovForwarder.Kernel.Bpf;

/// <summary>A bpf(2) command failed; the message names the command, the objects (program, map, cgroup), the errno and the verifier's log.</summary>
public sealed class BpfException : IOException
{
    public BpfException()
    {
    }

    public BpfException(string message)
        : base(message)
    {
    }

    public BpfException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Formats "&lt;what&gt; failed: EPERM (Operation not permitted)" and appends the verifier log when there is one.</summary>
    public BpfException(string what, int errno, string? verifierLog = null)
        : base(Format(what, errno, verifierLog))
    {
        Errno = errno;
        VerifierLog = verifierLog;
    }

    /// <summary>The positive errno the kernel returned (0 when not from a syscall).</summary>
    public int Errno { get; }

    /// <summary>The verifier's log of a failed program load, when the kernel wrote one.</summary>
    public string? VerifierLog { get; }

    private static string Format(string what, int errno, string? log)
    {
        var text = $"{what} failed: {Native.Errno.Name(errno)} ({Native.Errno.Describe(errno)})";
        return string.IsNullOrWhiteSpace(log) ? text : $"{text}; verifier log:\n{log.TrimEnd()}";
    }
}
