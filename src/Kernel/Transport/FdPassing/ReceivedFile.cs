using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace SriovForwarder.Kernel.Transport.FdPassing;

/// <summary>One call's claim on a passed file: its own duplicate descriptor, reachable as <c>/proc/&lt;pid&gt;/fd/&lt;n&gt;</c>.</summary>
public sealed class ReceivedFile : IDisposable
{
    private readonly ReceivedFileDescriptors _owner;
    private int _disposed;

    internal ReceivedFile(ReceivedFileDescriptors owner, InodeId id, SafeFileHandle handle)
    {
        _owner = owner;
        Id = id;
        Handle = handle;
    }

    /// <summary>The file's identity.</summary>
    public InodeId Id { get; }

    /// <summary>This call's duplicate of the descriptor.</summary>
    public SafeFileHandle Handle { get; }

    /// <summary>The descriptor as a path this process can open, e.g. <c>/proc/1234/fd/57</c>.</summary>
    public string ProcPath => string.Create(CultureInfo.InvariantCulture, $"/proc/{Environment.ProcessId}/fd/{Handle.DangerousGetHandle()}");

    /// <summary>Closes this call's duplicate and releases its claim.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Handle.Dispose();
            _owner.Release(Id);
        }
    }
}
