using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SriovForwarder.Gateway.Telemetry;

/// <summary>
/// The one meter of the gateway: NSM Request/Close counts and latencies, ListAndWatch updates sent to kubelet, and
/// registrations with kubelet and with the NSM registry.
/// </summary>
public static class GatewayMeters
{
    /// <summary>The meter name to subscribe to.</summary>
    public const string Name = "SriovForwarder.Gateway";

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> NsmCalls = Meter.CreateCounter<long>(
        "sriov_forwarder.nsm.calls", "{call}", "NetworkService Request and Close calls by method, mechanism and result (gRPC status)");

    private static readonly Histogram<double> NsmCallDuration = Meter.CreateHistogram<double>(
        "sriov_forwarder.nsm.call.duration", "s", "Time to answer a NetworkService Request or Close, by method, mechanism and result");

    private static readonly Counter<long> ListAndWatchUpdates = Meter.CreateCounter<long>(
        "sriov_forwarder.device_plugin.list_and_watch.updates", "{update}", "Device lists sent to kubelet on ListAndWatch streams, by resource");

    private static readonly Counter<long> KubeletRegistrations = Meter.CreateCounter<long>(
        "sriov_forwarder.device_plugin.registrations", "{registration}", "Register calls to kubelet, by resource and result");

    private static readonly Counter<long> RegistryRegistrations = Meter.CreateCounter<long>(
        "sriov_forwarder.registry.registrations", "{registration}", "Register calls (first and refresh) to the NSM registry, by result");

    /// <summary>Creates the instruments before the first call (static fields are made on first use).</summary>
    /// <returns>The names of the instruments.</returns>
    public static IReadOnlyList<string> EnsureInstruments() =>
        [NsmCalls.Name, NsmCallDuration.Name, ListAndWatchUpdates.Name, KubeletRegistrations.Name, RegistryRegistrations.Name];

    /// <summary>Records one answered Request or Close.</summary>
    public static void RecordNsmCall(string method, string mechanism, string result, TimeSpan elapsed)
    {
        var tags = new TagList { { "method", method }, { "mechanism", mechanism }, { "result", result } };
        NsmCalls.Add(1, tags);
        NsmCallDuration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>Records a device list sent to kubelet.</summary>
    public static void RecordListAndWatchUpdate(string resource) => ListAndWatchUpdates.Add(1, new KeyValuePair<string, object?>("resource", resource));

    /// <summary>Records a Register call to kubelet.</summary>
    public static void RecordKubeletRegistration(string resource, string result) =>
        KubeletRegistrations.Add(1, new TagList { { "resource", resource }, { "result", result } });

    /// <summary>Records a Register call to the NSM registry.</summary>
    public static void RecordRegistryRegistration(string result) => RegistryRegistrations.Add(1, new KeyValuePair<string, object?>("result", result));
}
