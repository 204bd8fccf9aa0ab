namespace SriovForwarder.Api.Nsm;

/// <summary>NSM's well-known defaults that more than one of our clients of NSMgr share.</summary>
public static class NsmDefaults
{
    /// <summary>NSMgr's socket as upstream's <c>NSM_CONNECT_TO</c> default names it; both the registry and the next hop are reached there.</summary>
    public const string ConnectTo = "unix:///var/lib/networkservicemesh/nsm.io.sock";
}
