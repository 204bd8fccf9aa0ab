using SriovForwarder.Api.Nsm;
using SriovForwarder.Security.Authorization;

namespace SriovForwarder.Gateway.Registry;

/// <summary>What this forwarder registers with the NSM registry, and how often it retries and refreshes.</summary>
public sealed class RegistrationOptions
{
    /// <summary>The default <see cref="NetworkServiceName"/>: upstream's code default, the service NSMgr looks forwarders up under.</summary>
    public const string DefaultNetworkServiceName = "forwarder";

    /// <summary>The default <see cref="Lifetime"/>: upstream's code default (its README says 24 h).</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(10);

    /// <summary>The registry (NSMgr) URL, <c>NSM_CONNECT_TO</c>: <c>unix:///path</c> or <c>tcp://host:port</c>.</summary>
    public string ConnectTo { get; set; } = NsmDefaults.ConnectTo;

    /// <summary>The endpoint name, <c>NSM_NAME</c>.</summary>
    public string Name { get; set; } = "sriov-forwarder";

    /// <summary>The network service registered under, <c>NSM_NSNAME</c>.</summary>
    public string NetworkServiceName { get; set; } = DefaultNetworkServiceName;

    /// <summary>The labels registered under <see cref="NetworkServiceName"/>, <c>NSM_LABELS</c>.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Our own URL (<c>unix://</c> of the NSM listen socket); sent as is, since FD passing is not implemented.</summary>
    public string Url { get; set; } = "";

    /// <summary>
    /// Register a <c>unix://</c> <see cref="Url"/> as upstream does: as <c>inode://dev/ino</c> of the socket file, with the
    /// file's descriptor passed alongside (grpcfd), so NSMgr can dial it without seeing our mount namespace.
    /// </summary>
    public bool PassSocketDescriptor { get; set; } = true;

    /// <summary>How far ahead the requested expiration lies, <c>NSM_MAX_TOKEN_LIFETIME</c>. Default 10 min.</summary>
    public TimeSpan Lifetime { get; set; } = DefaultLifetime;

    /// <summary>How long one connection attempt to the registry may take. Default 1 s.</summary>
    public TimeSpan DialTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one Register or Unregister may take (upstream: 15 s).</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The first wait after a failed attempt (upstream retries every 200 ms); doubled up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between attempts while the registry is unreachable. Default 5 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the Unregister on shutdown may take, so a dead registry does not hold the shutdown (it runs alongside the
    /// rest of the shutdown, which must end within 2 s). Default 1 s.
    /// </summary>
    public TimeSpan UnregisterTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The registry client policies checked on each Register response in SPIFFE mode: <c>NSM_REGISTRY_CLIENT_POLICIES</c>
    /// mapped to the built-ins (<see cref="RegistryClientPolicyMapping"/>). Default: none.
    /// </summary>
    public PolicySet ClientPolicies { get; set; } = new([]);
}
