namespace SriovForwarder.Grains.Outbound;

/// <summary>How the forwarder reaches the registry and its next hops.</summary>
public sealed class NextHopOptions
{
    /// <summary>The default <see cref="ConnectTo"/>: upstream's NSMgr socket.</summary>
    public const string DefaultConnectTo = SriovForwarder.Api.Nsm.NsmDefaults.ConnectTo;

    /// <summary>The default <see cref="DialTimeout"/>, upstream's.</summary>
    public static readonly TimeSpan DefaultDialTimeout = TimeSpan.FromMilliseconds(50);

    /// <summary>The registry (NSMgr) URL, NSM_CONNECT_TO; default <c>unix:///var/lib/networkservicemesh/nsm.io.sock</c>.</summary>
    public string ConnectTo { get; set; } = DefaultConnectTo;

    /// <summary>How long dialling a next hop may take, NSM_DIAL_TIMEOUT; default 50 ms like upstream.</summary>
    public TimeSpan DialTimeout { get; set; } = DefaultDialTimeout;

    /// <summary>
    /// How long one next-hop Close, or a Request whose caller set no deadline, may take in total; default 15 s. A Request
    /// with a deadline passes the caller's deadline on instead.
    /// </summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one registry look-up may take in total; default 5 s.</summary>
    public TimeSpan RegistryTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
