using Microsoft.Win32.SafeHandles;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Transport.FdPassing;

/// <summary>
/// The descriptors a peer passed on one connection (grpcfd's receiving side), by inode. grpcfd sends a file's
/// descriptor with every call that names it, so each arrival is counted and each call acquires once: a file is closed
/// as soon as no call holds it and no arrival is left unclaimed. Keeping it longer would pin a client's network
/// namespace (and a VF netdev inside it) after the pod is gone.
/// </summary>
public sealed class ReceivedFileDescriptors : IDisposable
{
    /// <summary>The key under which a connection's store sits in its connection items.</summary>
    public const string ItemsKey = "sriov.received-file-descriptors";

    private readonly Lock _gate = new();
    private readonly Dictionary<InodeId, Entry> _entries = [];
    private readonly Dictionary<InodeId, List<TaskCompletionSource>> _waiters = [];
    private bool _closed;

    /// <summary>How many distinct files are open now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Takes ownership of a descriptor received with <c>SCM_RIGHTS</c>.</summary>
    public void Add(int fd)
    {
        if (!LibC.TryIdentify(fd, string.Empty, out var id))
        {
            LibC.Close(fd);
            return;
        }

        List<TaskCompletionSource>? waiters = null;
        lock (_gate)
        {
            if (_closed)
            {
                LibC.Close(fd);
                return;
            }

            if (_entries.TryGetValue(id, out var entry))
            {
                LibC.Close(fd);
                entry.Unclaimed++;
            }
            else
            {
                _entries[id] = new Entry(fd) { Unclaimed = 1 };
            }

            if (_waiters.Remove(id, out var list))
            {
                waiters = list;
            }
        }

        waiters?.ForEach(w => w.TrySetResult());
    }

    /// <summary>
    /// Claims the file <paramref name="id"/> for one call, waiting for it to arrive until <paramref name="cancellationToken"/>
    /// fires (then <see cref="OperationCanceledException"/>); dispose the result when the call is done.
    /// </summary>
    public async Task<ReceivedFile> AcquireAsync(InodeId id, CancellationToken cancellationToken)
    {
        while (true)
        {
            TaskCompletionSource waiter;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_closed, this);
                if (_entries.TryGetValue(id, out var entry))
                {
                    var copy = LibC.Fcntl(entry.Fd, LibC.FDupFdCloexec, 3);
                    if (copy < 0)
                    {
                        throw new IOException($"cannot duplicate the received descriptor of {id}: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
                    }

                    entry.Unclaimed = Math.Max(0, entry.Unclaimed - 1);
                    entry.Holders++;
                    return new ReceivedFile(this, id, new SafeFileHandle(copy, ownsHandle: true));
                }

                waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (!_waiters.TryGetValue(id, out var list))
                {
                    _waiters[id] = list = [];
                }

                list.Add(waiter);
            }

            await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Closes every stored descriptor and releases waiters with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        List<TaskCompletionSource> waiters;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            foreach (var entry in _entries.Values)
            {
                LibC.Close(entry.Fd);
            }

            _entries.Clear();
            waiters = [.. _waiters.Values.SelectMany(l => l)];
            _waiters.Clear();
        }

        waiters.ForEach(w => w.TrySetException(new ObjectDisposedException(nameof(ReceivedFileDescriptors), "the connection closed before the file descriptor arrived")));
    }

    internal void Release(InodeId id)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(id, out var entry) && --entry.Holders <= 0 && entry.Unclaimed == 0)
            {
                LibC.Close(entry.Fd);
                _entries.Remove(id);
            }
        }
    }

    private sealed class Entry(int fd)
    {
        public int Fd { get; } = fd;

        public int Unclaimed { get; set; }

        public int Holders { get; set; }
    }
}
