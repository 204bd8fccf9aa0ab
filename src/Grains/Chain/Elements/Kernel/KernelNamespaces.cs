using System.Collections.Concurrent;
using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Netlink;

namespace SriovForwarder.Grains.Chain.Elements.Kernel;

/// <summary>
/// The open client-namespace handles of this process's KERNEL connections, and one rtnetlink connection inside each. A
/// handle is kept for the connection's life because a namespace whose name was deleted stays alive (with our VF in it) as
/// long as someone holds it open; after a restart the handle is reopened from the recorded URL. The rtnetlink connection
/// is kept beside it so the elements of one Request and its Close share one socket: opening one inside a namespace takes
/// a thread that enters it (<see cref="NamespaceThread"/>), which cost a KERNEL Request+Close more than its netlink calls
/// (decision 042). One more descriptor per KERNEL connection. The host-side connections are kept for the process in
/// <see cref="Host"/> (decision 051).
/// </summary>
public sealed class KernelNamespaces(INetworkNamespaces netns, IRouteNetlinkFactory netlink) : IDisposable
{
    private readonly ConcurrentDictionary<string, Kept> _handles = new(StringComparer.Ordinal);

    /// <summary>The process's host-namespace rtnetlink connections, lent one caller at a time (decision 051).</summary>
    public HostNetlinkPool Host { get; } = new(netlink);

    /// <summary>The number of handles held (for tests and the dashboard).</summary>
    public int Count => _handles.Count;

    /// <summary>
    /// Keeps <paramref name="handle"/> for the connection, and <paramref name="inside"/> (an rtnetlink connection opened in
    /// it, or null) as its <see cref="NetlinkIn"/>; closes what was kept before and is not passed again.
    /// </summary>
    public void Keep(string connectionId, INetworkNamespace handle, IRouteNetlink? inside = null)
    {
        if (_handles.TryGetValue(connectionId, out var old))
        {
            if (!ReferenceEquals(old.Netlink, inside))
            {
                old.Netlink?.Dispose();
            }

            if (!ReferenceEquals(old.Handle, handle))
            {
                old.Handle.Dispose();
            }
        }

        _handles[connectionId] = new Kept(handle, inside);
    }

    /// <summary>
    /// The kept handle, or the namespace reopened from the record, or else from <paramref name="callerUrl"/> (what the
    /// caller sent with this event) when that names the same namespace: a descriptor passed by NSMgr before a restart
    /// left a recorded <c>/proc/&lt;old pid&gt;/fd</c> path that no longer exists.
    /// </summary>
    /// <exception cref="NetworkNamespaceException">No URL opens the namespace the interface was moved into.</exception>
    public INetworkNamespace Get(string connectionId, KernelInterfaceRecord record, string? callerUrl = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_handles.TryGetValue(connectionId, out var kept) && !kept.Handle.IsClosed)
        {
            return kept.Handle;
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

        // A socket opened in the namespace of a handle closed under us is not trusted to be in the reopened one.
        kept?.Netlink?.Dispose();
        _handles[connectionId] = new Kept(reopened, null);
        return reopened;
    }

    /// <summary>
    /// The connection's rtnetlink connection inside its client namespace (<see cref="Get"/>), opened on first use and kept
    /// until <see cref="Release"/>. Owned here: callers do not dispose it. A connection's events run one at a time (its
    /// grain's turn), and <see cref="RouteNetlink"/> serialises calls on its socket anyway.
    /// </summary>
    /// <exception cref="NetworkNamespaceException">No URL opens the namespace the interface was moved into.</exception>
    public IRouteNetlink NetlinkIn(string connectionId, KernelInterfaceRecord record, string? callerUrl = null)
    {
        var handle = Get(connectionId, record, callerUrl);
        if (_handles.TryGetValue(connectionId, out var kept) && ReferenceEquals(kept.Handle, handle) && kept.Netlink is { } open)
        {
            return open;
        }

        var opened = netlink.OpenIn(handle);
        _handles[connectionId] = new Kept(handle, opened);
        return opened;
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

    /// <summary>
    /// Whether this process holds the connection's rtnetlink connection inside its client namespace, opened by inject
    /// when it moved the interface in and kept since (no move back was tried in between: that releases it).
    /// </summary>
    public bool HoldsNetlinkIn(string connectionId) =>
        _handles.TryGetValue(connectionId, out var kept) && kept.Netlink is not null && !kept.Handle.IsClosed;

    /// <summary>Closes and forgets the connection's handle and its rtnetlink connection.</summary>
    public void Release(string connectionId)
    {
        if (_handles.TryRemove(connectionId, out var kept))
        {
            kept.Netlink?.Dispose();
            kept.Handle.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var id in _handles.Keys)
        {
            Release(id);
        }

        Host.Dispose();
    }

    private sealed record Kept(INetworkNamespace Handle, IRouteNetlink? Netlink);
}
