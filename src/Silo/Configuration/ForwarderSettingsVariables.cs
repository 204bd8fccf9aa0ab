using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Grains.Outbound;
using SriovForwarder.Gateway.Registry;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Pci;
using SriovForwarder.Kernel.Vfio;
using SriovForwarder.Security.Spiffe.WorkloadApi;
using static SriovForwarder.Silo.Configuration.SettingKinds;

namespace SriovForwarder.Silo.Configuration;

/// <summary>The table of every environment variable the process reads; the reader and the help text both use it.</summary>
/// <remarks>A default that an options class owns is taken from it, not written again here.</remarks>
public static class ForwarderSettingsVariables
{
    /// <summary>Every variable, in the order the help lists them (upstream's first, then ours).</summary>
    public static IReadOnlyList<SettingDescriptor> All { get; } =
    [
        Text("NSM_NAME", ForwarderChainOptions.DefaultName, "Name of this forwarder as an NSE: registry entry, path segment, telemetry service name",
            (s, v) => s with { Name = v }, s => s.Name, required: true),
        Map("NSM_LABELS", "p2p:true", "Labels registered under the network service; NSMgr matches them when choosing a forwarder",
            (s, v) => s with { Labels = v }, s => s.Labels),
        Text("NSM_NSNAME", RegistrationOptions.DefaultNetworkServiceName, "Network service the forwarder registers under (NSMgr looks for 'forwarder')",
            (s, v) => s with { NetworkServiceName = v }, s => s.NetworkServiceName, required: true),
        ConnectUrl("NSM_CONNECT_TO", NextHopOptions.DefaultConnectTo, "NSMgr URL for registration and registry look-ups",
            (s, v) => s with { ConnectTo = v }, s => s.ConnectTo),
        Duration("NSM_DIAL_TIMEOUT", GoDuration.FormatShort(NextHopOptions.DefaultDialTimeout), "Timeout for dialing the next hop",
            (s, v) => s with { DialTimeout = v }, s => s.DialTimeout),
        Duration("NSM_MAX_TOKEN_LIFETIME", GoDuration.FormatShort(RegistrationOptions.DefaultLifetime), "Upper bound of the expiry of tokens this forwarder generates",
            (s, v) => s with { MaxTokenLifetime = v }, s => s.MaxTokenLifetime),
        List("NSM_REGISTRY_CLIENT_POLICIES", "etc/nsm/opa/common/.*.rego,etc/nsm/opa/registry/.*.rego,etc/nsm/opa/client/.*.rego",
            "Registry client policies checked on the forwarder's own registration (SPIFFE mode): masks of upstream's built-in policies (etc/nsm/opa/...), evaluated natively; a custom .rego file is refused at start",
            (s, v) => s with { RegistryClientPolicies = v }, s => s.RegistryClientPolicies),
        Duration("NSM_RESOURCE_POLL_TIMEOUT", GoDuration.FormatShort(KubeletDevicePluginOptions.DefaultResourcePollTimeout), "Pod-resources poll period of each device plugin",
            (s, v) => s with { ResourcePollTimeout = v }, s => s.ResourcePollTimeout),
        Text("NSM_DEVICE_PLUGIN_PATH", KubeletDevicePluginOptions.DefaultDevicePluginPath, "Folder of kubelet's device-plugin socket and of the plugin sockets",
            (s, v) => s with { DevicePluginPath = v }, s => s.DevicePluginPath, required: true),
        Text("NSM_POD_RESOURCES_PATH", KubeletDevicePluginOptions.DefaultPodResourcesPath, "Folder of kubelet's pod-resources socket",
            (s, v) => s with { PodResourcesPath = v }, s => s.PodResourcesPath, required: true),
        Text("NSM_SRIOV_CONFIG_FILE", "pci.config", "YAML file of the physical functions to use (relative to the working directory)",
            (s, v) => s with { SriovConfigFile = v }, s => s.SriovConfigFile, required: true),
        Text("NSM_PCI_DEVICES_PATH", PciOptions.DefaultDevicesPath, "sysfs PCI devices folder",
            (s, v) => s with { PciDevicesPath = v }, s => s.PciDevicesPath, required: true),
        Text("NSM_PCI_DRIVERS_PATH", PciOptions.DefaultDriversPath, "sysfs PCI drivers folder",
            (s, v) => s with { PciDriversPath = v }, s => s.PciDriversPath, required: true),
        Text("NSM_CGROUP_PATH", DeviceCgroupOptions.DefaultCgroupRoot, "Where the host's cgroup-v1 devices hierarchy is mounted (VFIO grants on v1 and hybrid nodes)",
            (s, v) => s with { CgroupPath = v }, s => s.CgroupPath, required: true),
        Text("NSM_CGROUP2_PATH", DeviceCgroupOptions.DefaultCgroup2Root, "Where the host's cgroup v2 hierarchy is mounted (or its parent, with it at unified/); VFIO grants there swap in an eBPF device program. Hybrid nodes use v1 where the pod's cgroups exist under NSM_CGROUP_PATH, else v2",
            (s, v) => s with { Cgroup2Path = v }, s => s.Cgroup2Path, required: true),
        Text("NSM_BPF_PIN_PATH", DeviceCgroupOptions.DefaultBpfPinRoot, "Folder in a bpffs where cgroup v2 device grants are pinned so they outlive a restart",
            (s, v) => s with { BpfPinPath = v }, s => s.BpfPinPath, required: true),
        Text("NSM_VFIO_PATH", VfioOptions.DefaultVfioPath, "Where the host's /dev/vfio is mounted",
            (s, v) => s with { VfioPath = v }, s => s.VfioPath, required: true),
        LogLevelSetting("NSM_LOG_LEVEL", "INFO", "Initial log level",
            (s, v) => s with { LogLevel = v }, s => s.LogLevel),
        LogFormatSetting("NSM_LOG_FORMAT", "text", "Log output: text (one line per message, UTC timestamp first) or json (one JSON object per line, for log collectors)",
            (s, v) => s with { LogFormat = v }, s => s.LogFormat),
        Text("NSM_OPEN_TELEMETRY_ENDPOINT", "otel-collector.observability.svc.cluster.local:4317", "OTLP/gRPC collector host:port (or http://host:port) that traces and metrics go to when TELEMETRY is true",
            (s, v) => s with { OpenTelemetryEndpoint = v }, s => s.OpenTelemetryEndpoint),
        Duration("NSM_METRICS_EXPORT_INTERVAL", "10s", "Period of the OTLP metrics export (TELEMETRY=true); /metrics on NSM_OPS_LISTEN_ON is read when scraped",
            (s, v) => s with { MetricsExportInterval = v }, s => s.MetricsExportInterval),
        Bool("NSM_PPROF_ENABLED", "false", "Serve .NET runtime diagnostics over HTTP at NSM_PPROF_LISTEN_ON (stands in for Go's pprof)",
            (s, v) => s with { PprofEnabled = v }, s => s.PprofEnabled),
        Address("NSM_PPROF_LISTEN_ON", "localhost:6060", "Listen address of the diagnostics endpoint; it serves /debug/runtime only",
            (s, v) => s with { PprofListenOn = v! }, s => s.PprofListenOn, emptyIsOff: false),
        Bool("TELEMETRY", "false", "Export traces (a span per chain element of each Request/Close, the caller's trace context continued) and metrics over OTLP/gRPC to NSM_OPEN_TELEMETRY_ENDPOINT",
            (s, v) => s with { TelemetryEnabled = v }, s => s.TelemetryEnabled, emptyIsFalse: true),
        Text("SPIFFE_ENDPOINT_SOCKET", "", "SPIRE agent Workload API, unix:///path. Set: all NSM gRPC (our socket, NSM_LISTEN_ON_TCP, registry, next hop) is mutual TLS with our X.509-SVID, peers verified by SPIFFE rules, never plaintext. UNSET: all of it is PLAINTEXT and unauthenticated",
            (s, v) => s with { SpiffeEndpointSocket = v }, s => s.SpiffeEndpointSocket),
        Duration("NSM_SPIFFE_START_TIMEOUT", GoDuration.FormatShort(WorkloadApiOptions.DefaultFirstSvidTimeout), "How long start-up waits for the first X.509-SVID from SPIFFE_ENDPOINT_SOCKET before it refuses to start (exit code 1)",
            (s, v) => s with { SpiffeStartTimeout = v }, s => s.SpiffeStartTimeout),
        Text("NSM_NODE_NAME", "(the host name)", "This node's name (silo metadata nsm.node); in Kubernetes set it from spec.nodeName",
            (s, v) => s with { NodeName = v }, s => s.NodeName, required: true),
        Text("NSM_STATE_PATH", "/var/lib/networkservicemesh/sriov-forwarder", "Folder where node-bound grains keep their state",
            (s, v) => s with { StatePath = v }, s => s.StatePath, required: true),
        ListenUrl("NSM_LISTEN_ON", "(empty: a fresh unix:///tmp/sriov-forwarder-<random>/listen_on.io.sock)", "unix:// URL where NetworkService, MonitorConnection and gRPC health are served (nothing else: 404)",
            (s, v) => s with { ListenOn = v }, s => s.ListenOn),
        Address("NSM_LISTEN_ON_TCP", "", "Extra TCP address where NetworkService is served (like the unix socket: NetworkService, MonitorConnection and gRPC health only)",
            (s, v) => s with { ListenOnTcp = v }, s => s.ListenOnTcp, emptyIsOff: true),
        Text("NSM_CLUSTER_ID", "sriov-forwarder", "Orleans cluster id; every silo of a fleet uses the same",
            (s, v) => s with { ClusterId = v }, s => s.ClusterId, required: true),
        Clustering("NSM_CLUSTERING", "localhost", "Cluster membership: localhost (one silo) or redis (a fleet)",
            (s, v) => s with { Clustering = v }, s => s.Clustering),
        Text("NSM_REDIS_CONNECTION_STRING", "", "StackExchange.Redis connection string; required when NSM_CLUSTERING=redis",
            (s, v) => s with { RedisConnectionString = v }, s => s.RedisConnectionString, isSecret: true),
        Port("NSM_SILO_PORT", "11111", "Silo-to-silo TCP port",
            (s, v) => s with { SiloPort = v }, s => s.SiloPort),
        Port("NSM_GATEWAY_PORT", "30000", "Orleans client gateway TCP port",
            (s, v) => s with { GatewayPort = v }, s => s.GatewayPort),
        Ip("NSM_ADVERTISED_IP", "127.0.0.1 (redis: unset = chosen by Orleans)", "Address other silos use to reach this one; with redis set it to the pod IP",
            (s, v) => s with { AdvertisedIp = v }, s => s.AdvertisedIp),
        Address("NSM_DASHBOARD_LISTEN_ON", "", "Orleans Dashboard address (http://<address>/dashboard, SR-IOV page at /sriov), e.g. 127.0.0.1:8080; empty = off (it costs about 64 MiB resident)",
            (s, v) => s with { DashboardListenOn = v }, s => s.DashboardListenOn, emptyIsOff: true),
        Address("NSM_OPS_LISTEN_ON", "127.0.0.1:9464", "Ops listener: /healthz (live), /readyz (ready: silo active, node grain active, NSM socket serving, not shutting down) and /metrics (Prometheus text); empty = off",
            (s, v) => s with { OpsListenOn = v }, s => s.OpsListenOn, emptyIsOff: true),
        Address("NSM_FLEET_LISTEN_ON", "127.0.0.1:8081", "Fleet gRPC API address (sriov.fleet.v1.Fleet, HTTP/2 without TLS); the `sriov-forwarder fleet` verbs dial it",
            (s, v) => s with { FleetListenOn = v }, s => s.FleetListenOn, emptyIsOff: true),
        Duration("NSM_DRIVER_BIND_TIMEOUT", GoDuration.FormatShort(PciOptions.DefaultBindTimeout), "How long to wait for a driver to bind a PCI function",
            (s, v) => s with { DriverBindTimeout = v }, s => s.DriverBindTimeout),
        Duration("NSM_RECONCILE_INTERVAL", "30s", "Period of the reconcile-and-reclaim pass, 0 = at start only: undo what a crash cut short, close connections whose client is gone, release reservations without an owner",
            (s, v) => s with { ReconcileInterval = v }, s => s.ReconcileInterval),
        Duration("NSM_HEALTH_RECONCILE_INTERVAL", GoDuration.FormatShort(Grains.Health.NodeHealthOptions.DefaultReconcileInterval),
            "Period of the sysfs device-health reconcile, 0 = off: the backstop for faults without a kernel event (VFs removed, a driver unbound, a VFIO group node gone, a PF unplugged); PF carrier is watched through rtnetlink events",
            (s, v) => s with { HealthReconcileInterval = v }, s => s.HealthReconcileInterval),
    ];
}
