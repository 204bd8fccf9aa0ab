using System.Net.NetworkInformation;
using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Netlink.Model;
using static SriovForwarder.Kernel.Netlink.NetlinkConstants;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Netlink;

/// <summary>Link (netdev) operations.</summary>
public sealed partial class RouteNetlink
{
    /// <summary>Gets a link by name.</summary>
    /// <exception cref="NetlinkException">ENODEV when no such interface exists in this namespace.</exception>
    public LinkInfo GetLink(string name) => QueryLink(name, 0, withVfs: false);

    /// <summary>Gets a link by ifindex.</summary>
    /// <exception cref="NetlinkException">ENODEV when no such interface exists in this namespace.</exception>
    public LinkInfo GetLink(int index) => QueryLink(null, index, withVfs: false);

    /// <summary>Gets a link by name, or null when it does not exist in this namespace.</summary>
    public LinkInfo? FindLink(string name)
    {
        try
        {
            return GetLink(name);
        }
        catch (NetlinkException e) when (e.IsLinkNotFound)
        {
            return null;
        }
    }

    /// <summary>Lists all links of this namespace.</summary>
    public IReadOnlyList<LinkInfo> ListLinks()
    {
        var links = new List<LinkInfo>();
        lock (_gate)
        {
            RtnlRequests.DumpLinks(_writer, Next());
            Execute(new NetlinkOperation(RtmGetLink, "list", "links"), (type, payload) =>
            {
                if (type == RtmNewLink)
                {
                    links.Add(RtnlReplies.Link(payload));
                }
            });
        }

        return links;
    }

    /// <summary>Moves a link of this namespace into <paramref name="target"/> (IFLA_NET_NS_FD). The kernel flushes its addresses and routes.</summary>
    /// <remarks>
    /// There is deliberately no move-and-rename variant: the kernel applies IFLA_IFNAME after the move, so a
    /// name taken in the target fails with EEXIST only once the link already sits there under its old name.
    /// </remarks>
    public void MoveToNamespace(string name, INetworkNamespace target)
    {
        InterfaceName.Validate(name);
        ArgumentNullException.ThrowIfNull(target);
        var kernel = NetworkNamespace.Of(target);
        lock (_gate)
        {
            RtnlRequests.MoveToNamespace(_writer, Next(), name, kernel.FileDescriptor);
            Execute(new NetlinkOperation(RtmNewLink, "move", name, $"to netns {target}"));
        }
    }

    /// <summary>Renames a link; set it down first (kernels before 6.x refuse with EBUSY while it is up).</summary>
    public void Rename(string name, string newName)
    {
        InterfaceName.Validate(name);
        InterfaceName.Validate(newName, nameof(newName));
        lock (_gate)
        {
            var index = IndexOfLocked(name);
            RtnlRequests.Rename(_writer, Next(), index, newName);
            Execute(new NetlinkOperation(RtmNewLink, "rename", name, $"-> {newName}"));
        }
    }

    /// <summary>Sets the MTU of a link.</summary>
    public void SetMtu(string name, int mtu)
    {
        InterfaceName.Validate(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(mtu);
        lock (_gate)
        {
            RtnlRequests.SetMtu(_writer, Next(), name, mtu);
            Execute(new NetlinkOperation(RtmNewLink, "set mtu", name, $"to {mtu}"));
        }
    }

    /// <summary>Sets a link administratively up.</summary>
    public void SetUp(string name) => SetState(name, up: true);

    /// <summary>Sets a link administratively down.</summary>
    public void SetDown(string name) => SetState(name, up: false);

    /// <summary>Sets the hardware address of a link.</summary>
    public void SetMac(string name, PhysicalAddress mac)
    {
        InterfaceName.Validate(name);
        ArgumentNullException.ThrowIfNull(mac);
        lock (_gate)
        {
            RtnlRequests.SetMac(_writer, Next(), name, mac);
            Execute(new NetlinkOperation(RtmNewLink, "set mac", name, $"to {mac}"));
        }
    }

    /// <summary>Deletes a link (for a veth, both ends).</summary>
    public void DeleteLink(string name)
    {
        InterfaceName.Validate(name);
        lock (_gate)
        {
            RtnlRequests.DeleteLink(_writer, Next(), name);
            Execute(new NetlinkOperation(RtmDelLink, "delete", name));
        }
    }

    private void SetState(string name, bool up)
    {
        InterfaceName.Validate(name);
        lock (_gate)
        {
            RtnlRequests.SetState(_writer, Next(), name, up);
            Execute(new NetlinkOperation(RtmNewLink, up ? "set up" : "set down", name));
        }
    }

    private LinkInfo QueryLink(string? name, int index, bool withVfs)
    {
        if (name is not null)
        {
            InterfaceName.Validate(name);
        }

        LinkInfo? link = null;
        lock (_gate)
        {
            RtnlRequests.GetLink(_writer, Next(), name, index, withVfs);
            Execute(new NetlinkOperation(RtmGetLink, "get link", name ?? $"ifindex {index}"), (type, payload) =>
            {
                if (type == RtmNewLink)
                {
                    link = RtnlReplies.Link(payload);
                }
            });
        }

        return link ?? throw new NetlinkException($"{TypeName(RtmGetLink)} get link {name ?? $"ifindex {index}"}", Namespace, Errno.ENoDev);
    }
}
