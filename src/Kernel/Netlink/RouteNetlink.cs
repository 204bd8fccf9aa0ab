using System.Runtime.InteropServices;
using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Netlink.Wire;

namespace SriovForwarder.Kernel.Netlink;

/// <summary>An rtnetlink connection bound to one network namespace: links, VFs, addresses, routes, rules and neighbours.</summary>
/// <remarks>
/// A netlink socket acts in the namespace it was created in, from whichever thread uses it, so
/// <see cref="OpenIn"/> creates the socket on a short-lived thread inside the target namespace and no
/// caller thread ever changes namespace. Calls are serialised on one socket and reuse its buffers.
/// Errors surface as <see cref="NetlinkException"/> naming the request, the object and the errno.
/// </remarks>
public sealed partial class RouteNetlink : IRouteNetlink
{
    private readonly Lock _gate = new();
    private readonly NetlinkSocket _socket;
    private readonly NetlinkMessageWriter _writer = new();
    private readonly NetlinkReplyHandler _indexHandler;
    private int _foundIndex;

    private RouteNetlink(NetlinkSocket socket, string netns)
    {
        _socket = socket;
        Namespace = netns;
        _indexHandler = (_, payload) => _foundIndex = MemoryMarshal.Read<IfInfoMsg>(payload).Index;
    }

    /// <summary>How the namespace is named in error messages: <c>host</c> or the namespace URL and inode.</summary>
    public string Namespace { get; }

    /// <summary>Opens a connection in the host namespace (the calling thread's, which is never switched elsewhere).</summary>
    public static RouteNetlink Open() => new(NetlinkSocket.Create(), "host");

    /// <summary>Opens a connection that acts inside <paramref name="target"/>; the handle may be disposed afterwards.</summary>
    public static RouteNetlink OpenIn(NetworkNamespace target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new(NamespaceThread.Run(target, NetlinkSocket.Create), target.ToString());
    }

    /// <inheritdoc />
    public void Dispose() => _socket.Dispose();

    private uint Next() => _socket.NextSequence();

    private void Execute(in NetlinkOperation operation, NetlinkReplyHandler? onReply = null) =>
        _socket.Execute(_writer.Finish(), operation, Namespace, onReply);

    /// <summary>Resolves a name to its ifindex; the caller holds the lock.</summary>
    private int IndexOfLocked(string name)
    {
        InterfaceName.Validate(name);
        _foundIndex = 0;
        RtnlRequests.GetLink(_writer, Next(), name, 0, withVfs: false);
        Execute(new NetlinkOperation(NetlinkConstants.RtmGetLink, "get link", name), _indexHandler);
        return _foundIndex;
    }
}
