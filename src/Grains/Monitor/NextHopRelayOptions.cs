namespace SriovForwarder.Grains.Monitor;

/// <summary>How the shared monitor streams to the next hops behave (decision 045); the defaults are the deployed values.</summary>
public sealed class NextHopRelayOptions
{
    /// <summary>
    /// How long a next hop's stream stays open after its last connection stopped being relayed: every Request stops the
    /// connection's relay and starts it again, and a Close followed by a new Request is common, so a stream closed at once
    /// would be reopened per Request.
    /// </summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The wait before a broken stream is opened again; doubled after each break in a row, up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan FirstReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait before a broken stream is opened again.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(5);
}
