namespace SriovForwarder.Kernel.Tests.Netlink;

/// <summary>A fact that needs root (it creates network namespaces and veth pairs with the ip command); skipped otherwise.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    /// <summary>Sets Skip when the process is not root or iproute2 is missing.</summary>
    public RootFactAttribute()
    {
        if (Environment.UserName != "root")
        {
            Skip = "needs root: creates network namespaces and veth pairs";
        }
        else if (!File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip") && !File.Exists("/usr/bin/ip"))
        {
            Skip = "needs the ip command (iproute2)";
        }
    }
}
