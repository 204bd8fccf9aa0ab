using System.Net;
using SriovForwarder.Silo.Configuration;

namespace SriovForwarder.Silo.Hosting;

/// <summary>One TCP port the forwarder listens on: the setting that chose it and the addresses bound for it, as the wiring binds them.</summary>
/// <param name="Setting">The setting and its value, e.g. <c>NSM_SILO_PORT=11111</c>.</param>
/// <param name="Port">The TCP port.</param>
/// <param name="Required">Addresses whose bind must succeed.</param>
/// <param name="Optional">Of these, the first address the host has is bound too (<c>::1</c> of a <c>localhost</c> listener; IPv6 any, else IPv4 any, for every address).</param>
public sealed record ListenPort(string Setting, int Port, IReadOnlyList<IPAddress> Required, IReadOnlyList<IPAddress> Optional)
{
    /// <summary>The ports of <paramref name="settings"/>: Orleans' silo and gateway ports, the dashboard, the fleet API, NSM over TCP, the ops listener, the diagnostics endpoint.</summary>
    public static IReadOnlyList<ListenPort> From(ForwarderSettings settings)
    {
        // Localhost clustering binds the loopback address; redis clustering binds every address (listenOnAnyHostAddress).
        var orleans = settings.Clustering == ClusteringMode.Redis ? IPAddress.Any : IPAddress.Loopback;
        var ports = new List<ListenPort>
        {
            new($"NSM_SILO_PORT={settings.SiloPort}", settings.SiloPort, [orleans], []),
            new($"NSM_GATEWAY_PORT={settings.GatewayPort}", settings.GatewayPort, [orleans], []),
        };
        if (settings.DashboardListenOn is { } dashboard)
        {
            ports.Add(Http("NSM_DASHBOARD_LISTEN_ON", dashboard));
        }

        if (settings.FleetListenOn is { } fleet)
        {
            ports.Add(Http("NSM_FLEET_LISTEN_ON", fleet));
        }

        if (settings.ListenOnTcp is { } tcp)
        {
            // A host name listens on every address (Kestrel's ListenAnyIP: IPv6 any, dual mode, else IPv4 any).
            ports.Add(IPAddress.TryParse(tcp.Host, out var ip)
                ? new ListenPort($"NSM_LISTEN_ON_TCP={tcp}", tcp.Port, [ip], [])
                : new ListenPort($"NSM_LISTEN_ON_TCP={tcp}", tcp.Port, [], [IPAddress.IPv6Any, IPAddress.Any]));
        }

        if (settings.OpsListenOn is { } ops)
        {
            ports.Add(Http("NSM_OPS_LISTEN_ON", ops));
        }

        if (settings.PprofEnabled)
        {
            ports.Add(Http("NSM_PPROF_LISTEN_ON", settings.PprofListenOn));
        }

        return ports;
    }

    // A host name is Kestrel's ListenLocalhost: 127.0.0.1 always, ::1 where the host has IPv6.
    private static ListenPort Http(string variable, HostPort address) =>
        IPAddress.TryParse(address.Host, out var ip)
            ? new ListenPort($"{variable}={address}", address.Port, [ip], [])
            : new ListenPort($"{variable}={address}", address.Port, [IPAddress.Loopback], [IPAddress.IPv6Loopback]);
}
