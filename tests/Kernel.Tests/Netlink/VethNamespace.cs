using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Netlink;

namespace SriovForwarder.Kernel.Tests.Netlink;

/// <summary>A fresh network namespace and a veth pair in the host namespace, with unique short names; removed on dispose even after a failure.</summary>
public sealed class VethNamespace : IDisposable
{
    /// <summary>Creates the namespace <c>nlt-XXXXXX</c> and the veth pair <c>nXXXXXXa</c>/<c>nXXXXXXb</c>.</summary>
    public VethNamespace()
    {
        var id = Guid.NewGuid().ToString("N")[..6];
        NamespaceName = $"nlt-{id}";
        HostEnd = $"n{id}a";
        PeerEnd = $"n{id}b";
        try
        {
            IpCommand.Run("netns", "add", NamespaceName);
            IpCommand.Run("link", "add", HostEnd, "type", "veth", "peer", "name", PeerEnd);
            Namespace = NetworkNamespace.Open($"/var/run/netns/{NamespaceName}");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The namespace's name under /var/run/netns.</summary>
    public string NamespaceName { get; }

    /// <summary>The veth end that tests move around.</summary>
    public string HostEnd { get; }

    /// <summary>The other veth end, left in the host namespace.</summary>
    public string PeerEnd { get; }

    /// <summary>An open handle on the namespace.</summary>
    public NetworkNamespace Namespace { get; } = null!;

    /// <summary>Moves <see cref="HostEnd"/> into the namespace and sets it up there; returns a netlink socket inside it, which the caller disposes.</summary>
    public RouteNetlink MoveHostEndInside()
    {
        using (var host = RouteNetlink.Open())
        {
            host.MoveToNamespace(HostEnd, Namespace);
        }

        var inside = RouteNetlink.OpenIn(Namespace);
        try
        {
            inside.SetUp(HostEnd);
            return inside;
        }
        catch
        {
            inside.Dispose();
            throw;
        }
    }

    /// <summary>Removes the namespace (and with it any veth end inside) and the host-side veth.</summary>
    public void Dispose()
    {
        Namespace?.Dispose();
        IpCommand.TryRun("netns", "del", NamespaceName);
        IpCommand.TryRun("link", "del", HostEnd);
        IpCommand.TryRun("link", "del", PeerEnd);
    }
}
