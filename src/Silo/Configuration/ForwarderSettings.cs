using System.Net;
using Microsoft.Extensions.Logging;
using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Grains.Outbound;
using SriovForwarder.Gateway.Registry;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Pci;
using SriovForwarder.Kernel.Vfio;
using SriovForwarder.Security.Spiffe.WorkloadApi;

namespace SriovForwarder.Silo.Configuration;

/// <summary>The process configuration, read from environment variables by <see cref="ForwarderSettingsReader"/>.</summary>
/// <remarks>
/// Defaults are upstream's code defaults (not its README's). A setting that feeds an options class takes its default from
/// that class (<c>VfioOptions.DefaultVfioPath</c>, ...), so each default is written once. <see cref="ForwarderSettingsVariables.All"/> lists the
/// variable behind each property; the help text and the reader both use that table.
/// </remarks>
public sealed record ForwarderSettings
{
    /// <summary>Upstream's default NSMgr socket.</summary>
    public static readonly Uri DefaultConnectTo = new(NextHopOptions.DefaultConnectTo);

    /// <summary><c>NSM_NAME</c>: name of this forwarder as an NSE (registry entry, path segment). Default <c>sriov-forwarder</c>.</summary>
    public string Name { get; init; } = ForwarderChainOptions.DefaultName;

    /// <summary><c>NSM_LABELS</c>: labels registered under the network service. Default <c>p2p:true</c>.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal) { ["p2p"] = "true" };

    /// <summary><c>NSM_NSNAME</c>: network service the forwarder registers under. Default <c>forwarder</c> (upstream's code; its README's <c>sriovns</c> would hide the forwarder from NSMgr).</summary>
    public string NetworkServiceName { get; init; } = RegistrationOptions.DefaultNetworkServiceName;

    /// <summary><c>NSM_CONNECT_TO</c>: NSMgr URL (<c>unix:///path</c> or <c>tcp://host:port</c>). Default <c>unix:///var/lib/networkservicemesh/nsm.io.sock</c>.</summary>
    public Uri ConnectTo { get; init; } = DefaultConnectTo;

    /// <summary><c>NSM_DIAL_TIMEOUT</c>: timeout for dialing the next hop. Default 50 ms.</summary>
    public TimeSpan DialTimeout { get; init; } = NextHopOptions.DefaultDialTimeout;

    /// <summary><c>NSM_MAX_TOKEN_LIFETIME</c>: upper bound of generated token expiry. Default 10 min (upstream's code; its README says 24h).</summary>
    public TimeSpan MaxTokenLifetime { get; init; } = RegistrationOptions.DefaultLifetime;

    /// <summary><c>NSM_REGISTRY_CLIENT_POLICIES</c>: OPA policy files or masks applied to the registration.</summary>
    public IReadOnlyList<string> RegistryClientPolicies { get; init; } =
        ["etc/nsm/opa/common/.*.rego", "etc/nsm/opa/registry/.*.rego", "etc/nsm/opa/client/.*.rego"];

    /// <summary><c>NSM_RECONCILE_INTERVAL</c>: period of the reconcile-and-reclaim pass (0 = only at start). Default 30 s.</summary>
    public TimeSpan ReconcileInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>NSM_HEALTH_RECONCILE_INTERVAL</c>: period of the sysfs device-health reconcile (0 = off). Default 5 s.</summary>
    public TimeSpan HealthReconcileInterval { get; init; } = Grains.Health.NodeHealthOptions.DefaultReconcileInterval;

    /// <summary><c>NSM_RESOURCE_POLL_TIMEOUT</c>: pod-resources poll period of each device plugin. Default 30 s.</summary>
    public TimeSpan ResourcePollTimeout { get; init; } = KubeletDevicePluginOptions.DefaultResourcePollTimeout;

    /// <summary><c>NSM_DEVICE_PLUGIN_PATH</c>: kubelet device-plugin directory. Default <c>/var/lib/kubelet/device-plugins/</c>.</summary>
    public string DevicePluginPath { get; init; } = KubeletDevicePluginOptions.DefaultDevicePluginPath;

    /// <summary><c>NSM_POD_RESOURCES_PATH</c>: kubelet pod-resources directory. Default <c>/var/lib/kubelet/pod-resources/</c>.</summary>
    public string PodResourcesPath { get; init; } = KubeletDevicePluginOptions.DefaultPodResourcesPath;

    /// <summary><c>NSM_SRIOV_CONFIG_FILE</c>: the YAML PF configuration. Default <c>pci.config</c> (relative to the working directory).</summary>
    public string SriovConfigFile { get; init; } = "pci.config";

    /// <summary><c>NSM_PCI_DEVICES_PATH</c>: sysfs PCI devices directory. Default <c>/sys/bus/pci/devices</c>.</summary>
    public string PciDevicesPath { get; init; } = PciOptions.DefaultDevicesPath;

    /// <summary><c>NSM_PCI_DRIVERS_PATH</c>: sysfs PCI drivers directory. Default <c>/sys/bus/pci/drivers</c>.</summary>
    public string PciDriversPath { get; init; } = PciOptions.DefaultDriversPath;

    /// <summary><c>NSM_CGROUP_PATH</c>: the host's cgroup-v1 devices hierarchy. Default <c>/host/sys/fs/cgroup/devices</c>.</summary>
    public string CgroupPath { get; init; } = DeviceCgroupOptions.DefaultCgroupRoot;

    /// <summary><c>NSM_CGROUP2_PATH</c>: the host's cgroup v2 hierarchy, or its parent on hybrid nodes. Default <c>/host/sys/fs/cgroup</c>.</summary>
    public string Cgroup2Path { get; init; } = DeviceCgroupOptions.DefaultCgroup2Root;

    /// <summary><c>NSM_BPF_PIN_PATH</c>: bpffs folder for the pins of cgroup v2 device grants. Default <c>/sys/fs/bpf/nsm-sriov-forwarder</c>.</summary>
    public string BpfPinPath { get; init; } = DeviceCgroupOptions.DefaultBpfPinRoot;

    /// <summary><c>NSM_VFIO_PATH</c>: the host's <c>/dev/vfio</c> as mounted here. Default <c>/host/dev/vfio</c>.</summary>
    public string VfioPath { get; init; } = VfioOptions.DefaultVfioPath;

    /// <summary><c>NSM_LOG_LEVEL</c>: initial log level. Default <c>INFO</c> (Information).</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary><c>NSM_LOG_FORMAT</c>: plain text lines or one JSON object per line. Default <see cref="LogFormat.Text"/>.</summary>
    public LogFormat LogFormat { get; init; } = LogFormat.Text;

    /// <summary><c>NSM_OPEN_TELEMETRY_ENDPOINT</c>: OTLP collector <c>host:port</c>, used when <see cref="TelemetryEnabled"/>.</summary>
    public string OpenTelemetryEndpoint { get; init; } = "otel-collector.observability.svc.cluster.local:4317";

    /// <summary><c>NSM_METRICS_EXPORT_INTERVAL</c>: OTel metric export period. Default 10 s.</summary>
    public TimeSpan MetricsExportInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary><c>NSM_PPROF_ENABLED</c>: serve runtime diagnostics over HTTP at <see cref="PprofListenOn"/> (the .NET stand-in for Go's pprof). Default false.</summary>
    public bool PprofEnabled { get; init; }

    /// <summary><c>NSM_PPROF_LISTEN_ON</c>: diagnostics listen address. Default <c>localhost:6060</c>.</summary>
    public HostPort PprofListenOn { get; init; } = new("localhost", 6060);

    /// <summary><c>TELEMETRY</c>: export traces and metrics over OTLP to <see cref="OpenTelemetryEndpoint"/>. Default false.</summary>
    public bool TelemetryEnabled { get; init; }

    /// <summary><c>SPIFFE_ENDPOINT_SOCKET</c>: SPIRE agent Workload API address. Default unset: NSM gRPC is plaintext.</summary>
    public string? SpiffeEndpointSocket { get; init; }

    /// <summary><c>NSM_SPIFFE_START_TIMEOUT</c>: how long start-up waits for the first SVID. Default 30 s.</summary>
    public TimeSpan SpiffeStartTimeout { get; init; } = WorkloadApiOptions.DefaultFirstSvidTimeout;

    /// <summary><c>NSM_NODE_NAME</c>: this node's name, published as silo metadata <c>nsm.node</c>. Default the host name.</summary>
    public string NodeName { get; init; } = Dns.GetHostName();

    /// <summary><c>NSM_STATE_PATH</c>: folder of the node-bound grains' state. Default <c>/var/lib/networkservicemesh/sriov-forwarder</c>.</summary>
    public string StatePath { get; init; } = "/var/lib/networkservicemesh/sriov-forwarder";

    /// <summary><c>NSM_LISTEN_ON</c>: <c>unix://</c> URL where NetworkService is served. Default null: a fresh
    /// <c>unix:///tmp/sriov-forwarder-&lt;random&gt;/listen_on.io.sock</c> (see <see cref="TemporaryListenSocket"/>).</summary>
    public Uri? ListenOn { get; init; }

    /// <summary><c>NSM_LISTEN_ON_TCP</c>: optional extra TCP address for NetworkService. Default null (off).</summary>
    public HostPort? ListenOnTcp { get; init; }

    /// <summary><c>NSM_CLUSTER_ID</c>: Orleans cluster id. Default <c>sriov-forwarder</c>.</summary>
    public string ClusterId { get; init; } = "sriov-forwarder";

    /// <summary><c>NSM_CLUSTERING</c>: membership provider. Default <see cref="ClusteringMode.Localhost"/>.</summary>
    public ClusteringMode Clustering { get; init; } = ClusteringMode.Localhost;

    /// <summary><c>NSM_REDIS_CONNECTION_STRING</c>: StackExchange.Redis connection string; required for Redis clustering.</summary>
    public string? RedisConnectionString { get; init; }

    /// <summary><c>NSM_SILO_PORT</c>: silo-to-silo port. Default 11111.</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary><c>NSM_GATEWAY_PORT</c>: Orleans client gateway port. Default 30000.</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary><c>NSM_ADVERTISED_IP</c>: address other silos use to reach this one. Default 127.0.0.1 with localhost
    /// clustering; with Redis clustering and the variable unset it is null and Orleans picks a non-loopback address.</summary>
    public IPAddress? AdvertisedIp { get; init; } = IPAddress.Loopback;

    /// <summary><c>NSM_DASHBOARD_LISTEN_ON</c>: Orleans Dashboard (and SR-IOV page) address; null = off, the default: the
    /// dashboard costs about 64 MiB resident and up to a second of CPU at start (decision 032).</summary>
    public HostPort? DashboardListenOn { get; init; }

    /// <summary><c>NSM_OPS_LISTEN_ON</c>: the ops listener (<c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>). Default
    /// <c>127.0.0.1:9464</c> (the port OpenTelemetry's Prometheus exporters use); null = off.</summary>
    public HostPort? OpsListenOn { get; init; } = new("127.0.0.1", 9464);
    /// <summary><c>NSM_FLEET_LISTEN_ON</c>: the fleet gRPC API's address. Default <c>127.0.0.1:8081</c> (loopback: the API has no authentication); null = off.</summary>
    public HostPort? FleetListenOn { get; init; } = new("127.0.0.1", 8081);

    /// <summary><c>NSM_DRIVER_BIND_TIMEOUT</c>: how long to wait for a driver to bind a PCI function. Default 1 s.</summary>
    public TimeSpan DriverBindTimeout { get; init; } = PciOptions.DefaultBindTimeout;

    /// <summary>Every variable with its value in environment syntax; the Redis connection string is masked since it may hold a password.</summary>
    public override string ToString() =>
        "ForwarderSettings { " + string.Join(", ", ForwarderSettingsVariables.All.Select(v => v.Name + "=" + v.FormatValue(this))) + " }";
}
