using System.Diagnostics;

namespace SriovForwarder.Grains.Telemetry;

/// <summary>The one activity source of the grains: a span per chain element of each Request and Close.</summary>
/// <remarks>Spans exist only while a listener (the OpenTelemetry tracer, when <c>TELEMETRY=true</c>) samples them.</remarks>
public static class ForwarderActivitySource
{
    /// <summary>The source name to subscribe to.</summary>
    public const string Name = "SriovForwarder.Chain";

    /// <summary>The source.</summary>
    public static ActivitySource Source { get; } = new(Name);

    /// <summary>The span name of a chain element: its type name without the <c>Element</c> suffix, e.g. <c>ResourcePool</c>.</summary>
    public static string SpanName(object element)
    {
        ArgumentNullException.ThrowIfNull(element);
        var name = element.GetType().Name;
        return name.EndsWith("Element", StringComparison.Ordinal) ? name[..^"Element".Length] : name;
    }
}
