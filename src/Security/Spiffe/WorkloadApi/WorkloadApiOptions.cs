namespace SriovForwarder.Security.Spiffe.WorkloadApi;

/// <summary>Where the SPIFFE Workload API is and how long start-up waits for it.</summary>
public sealed class WorkloadApiOptions
{
    /// <summary>The default of <see cref="FirstSvidTimeout"/> (NSM_SPIFFE_START_TIMEOUT).</summary>
    public static readonly TimeSpan DefaultFirstSvidTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The agent's socket, <c>unix:///path</c> or a path (SPIFFE_ENDPOINT_SOCKET).</summary>
    public string EndpointSocket { get; set; } = string.Empty;

    /// <summary>
    /// How long start-up waits for the first SVID before it refuses to start (upstream waits as long as its context
    /// lives; a bounded wait names a missing or silent agent instead of hanging).
    /// </summary>
    public TimeSpan FirstSvidTimeout { get; set; } = DefaultFirstSvidTimeout;

    /// <summary>The first pause before reconnecting after the stream broke; it doubles up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan FirstReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest pause between reconnection attempts.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);
}
