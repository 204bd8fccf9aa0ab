using System.Runtime.InteropServices;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Bpf;

/// <summary>A file descriptor of a BPF program, a BPF map or a cgroup folder, closed on dispose; <see cref="Name"/> describes it in errors.</summary>
public sealed class BpfHandle : SafeHandle
{
    /// <summary>Takes ownership of <paramref name="fd"/>.</summary>
    public BpfHandle(int fd, string name)
        : base(-1, ownsHandle: true)
    {
        SetHandle(fd);
        Name = name;
    }

    /// <summary>What the descriptor refers to, e.g. <c>program nsm_vfio_dev</c> or <c>cgroup /sys/fs/cgroup/pod1/c1</c>.</summary>
    public string Name { get; }

    /// <summary>The raw descriptor number, for instructions that embed a map fd and for attr fields.</summary>
    public int Fd => (int)handle;

    /// <inheritdoc />
    public override bool IsInvalid => handle < 0;

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <inheritdoc />
    protected override bool ReleaseHandle() => LibC.Close((int)handle) == 0;
}
