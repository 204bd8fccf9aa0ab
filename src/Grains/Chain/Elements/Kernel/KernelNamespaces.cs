using System.Collections.Concurrent;
using SriovForwarder.Kernel.Namespaces;

namespace SriovForwarder.Grains.Chain.Elements.Kernel;

/// <summary>
/// The open client-namespace handles of this process's KERNEL connections. A handle is kept for the connection's life
/// because a namespace whose name was deleted stays alive (with our VF in it) as long as someone holds it open; after
/// a restart the handle is reopened from the recorded URL.
/// </summary>
public sealed class KernelNamespaces(INetworkNamespaces netns) : IDisposable
{
    private readonly ConcurrentDictionary<string, INetworkNamespace> _handles = new(StringComparer.Ordinal);

    /// <summary>The number of handles held (for tests and the dashboard).</summary>
    public int Count => _handles.Count;

    /// <summary>Keeps <paramref name="handle"/> for the connection, closing any earlier one.</summary>
    public void Keep(string connectionId, INetworkNamespace handle)
    {
        if (_handles.TryGetValue(connectionId, out var old) && !ReferenceEquals(old, handle))
        {
            old.Dispose();
        }

        _handles[connectionId] = handle;
    }

    /// <summary>
    /// The kept handle, or the namespace reopened from the record, or else from <paramref name="callerUrl"/> (what the
    /// caller sent with this event) when that names the same namespace: a descriptor passed by NSMgr before a restart
    /// left a recorded <c>/proc/&lt;old pid&gt;/fd</c> path that no longer exists.
    /// </summary>
    /// <exception cref="NetworkNamespaceException">No URL opens the namespace the interface was moved into.</exception>
    public INetworkNamespace Get(string connectionId, KernelInterfaceRecord record, string? callerUrl = null)
    {
        if (_handles.TryGetValue(connectionId, out var kept) && !kept.IsClosed)
        {
            return kept;
        }

        INetworkNamespace reopened;
        try
        {
            reopened = OpenSame(record.NamespaceUrl, record);
        }
        catch (NetworkNamespaceException) when (callerUrl is not null && callerUrl != record.NamespaceUrl)
        {
            reopened = OpenSame(callerUrl, record);
        }
        catch (NetworkNamespaceException) when (record.NamespaceInode != 0 && netns.FindByInode(record.NamespaceInode) is { } found)
        {
            // Rolling back after a restart without a caller: the namespace came as a descriptor the old process held.
            reopened = found;
        }

        _handles[connectionId] = reopened;
        return reopened;
    }

    private INetworkNamespace OpenSame(string url, KernelInterfaceRecord record)
    {
        var opened = netns.Open(url);
        if (record.NamespaceInode != 0 && opened.Inode != record.NamespaceInode)
        {
            var inode = opened.Inode;
            opened.Dispose();
            throw new NetworkNamespaceException(url,
                $"it now names net:[{inode}], not the client namespace net:[{record.NamespaceInode}] the interface was moved into");
        }

        return opened;
    }

    /// <summary>Closes and forgets the connection's handle.</summary>
    public void Release(string connectionId)
    {
        if (_handles.TryRemove(connectionId, out var handle))
        {
            handle.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var id in _handles.Keys)
        {
            Release(id);
        }
    }
}
