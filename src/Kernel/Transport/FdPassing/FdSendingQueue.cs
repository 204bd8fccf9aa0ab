using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Transport.FdPassing;

/// <summary>
/// Descriptors waiting to be sent on a client channel's unix socket (grpcfd's sending side): queued before a call,
/// sent with the next bytes the channel writes, then closed.
/// </summary>
public sealed class FdSendingQueue : IDisposable
{
    /// <summary>The key under which a server connection's queue sits in its connection items.</summary>
    public const string ItemsKey = "sriov.fd-sending-queue";

    private readonly ConcurrentQueue<SafeHandle> _pending = new();

    /// <summary>True when nothing waits to be sent.</summary>
    public bool IsEmpty => _pending.IsEmpty;

    /// <summary>Queues a descriptor; the queue owns it from now on.</summary>
    public void Enqueue(SafeHandle handle) => _pending.Enqueue(handle);

    /// <summary>Opens <paramref name="path"/> with <c>O_PATH</c> (no access needed, as grpcfd does), queues it and returns its <c>inode://</c> URL.</summary>
    /// <exception cref="IOException">The file cannot be opened or identified.</exception>
    [SuppressMessage("Reliability", "CA2000", Justification = "Queued in _pending, which Take hands to the sender and DropPending and Dispose close; CA2000 does not follow ownership into a collection.")]
    public InodeId EnqueueFile(string path)
    {
        var fd = LibC.Open(path, LibC.OPath | LibC.OCloexec);
        if (fd < 0)
        {
            throw new IOException($"failed to send a file {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())} (the file probably doesn't exist)");
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if (!LibC.TryIdentify(fd, string.Empty, out var id))
            {
                throw new IOException($"failed to send a file {path}: cannot read its inode");
            }

            _pending.Enqueue(handle);
            return id;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Takes up to <paramref name="max"/> queued descriptors for one <c>sendmsg</c>.</summary>
    internal List<SafeHandle> Take(int max)
    {
        var taken = new List<SafeHandle>();
        while (taken.Count < max && _pending.TryDequeue(out var handle))
        {
            taken.Add(handle);
        }

        return taken;
    }

    /// <summary>Closes whatever was queued but never sent (e.g. by a call that failed before it wrote anything).</summary>
    public void DropPending()
    {
        while (_pending.TryDequeue(out var handle))
        {
            handle.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose() => DropPending();
}
