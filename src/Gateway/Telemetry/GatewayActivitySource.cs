using System.Diagnostics;

namespace SriovForwarder.Gateway.Telemetry;

/// <summary>The one activity source of the gateway: a span around each NetworkService Request and Close.</summary>
public static class GatewayActivitySource
{
    /// <summary>The source name to subscribe to.</summary>
    public const string Name = "SriovForwarder.Gateway";

    /// <summary>The source.</summary>
    public static ActivitySource Source { get; } = new(Name);
}
