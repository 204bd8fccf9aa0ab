using System.Net;
using Microsoft.Extensions.Logging;
using SriovForwarder.Silo.Configuration;

namespace SriovForwarder.Silo.Tests.Configuration;

public sealed class ForwarderSettingsReaderSyntaxTests
{
    [Fact]
    public void Read_EveryKindOfValue_IsParsed()
    {
        var settings = Env.ReadValid(
            ("NSM_NAME", "forwarder-abc"),
            ("NSM_LABELS", "p2p:true,zone:a"),
            ("NSM_NSNAME", "sriov"),
            ("NSM_CONNECT_TO", "tcp://nsmgr.local:5001"),
            ("NSM_DIAL_TIMEOUT", "1m30s"),
            ("NSM_MAX_TOKEN_LIFETIME", "24h"),
            ("NSM_REGISTRY_CLIENT_POLICIES", "etc/nsm/opa/common/.*.rego,etc/nsm/opa/client/next_token_signed.rego"),
            ("NSM_LOG_LEVEL", "TRACE"),
            ("NSM_LOG_FORMAT", "JSON"),
            ("NSM_PPROF_ENABLED", "T"),
            ("NSM_PPROF_LISTEN_ON", ":6061"),
            ("TELEMETRY", "true"),
            ("SPIFFE_ENDPOINT_SOCKET", "unix:///run/spire/sockets/agent.sock"),
            ("NSM_NODE_NAME", "worker-1"),
            ("NSM_LISTEN_ON", "unix:///run/forwarder/a%20b.sock"),
            ("NSM_LISTEN_ON_TCP", "0.0.0.0:5002"),
            ("NSM_CLUSTERING", "Redis"),
            ("NSM_REDIS_CONNECTION_STRING", "redis:6379,password=x"),
            ("NSM_SILO_PORT", "1"),
            ("NSM_GATEWAY_PORT", "65535"),
            ("NSM_ADVERTISED_IP", "fd00::5"),
            ("NSM_DRIVER_BIND_TIMEOUT", "300us"));

        Assert.Equal("forwarder-abc", settings.Name);
        Assert.Equal(new Dictionary<string, string> { ["p2p"] = "true", ["zone"] = "a" }, settings.Labels);
        Assert.Equal("sriov", settings.NetworkServiceName);
        Assert.Equal(("tcp", "nsmgr.local", 5001), (settings.ConnectTo.Scheme, settings.ConnectTo.Host, settings.ConnectTo.Port));
        Assert.Equal(TimeSpan.FromSeconds(90), settings.DialTimeout);
        Assert.Equal(TimeSpan.FromHours(24), settings.MaxTokenLifetime);
        Assert.Equal(["etc/nsm/opa/common/.*.rego", "etc/nsm/opa/client/next_token_signed.rego"], settings.RegistryClientPolicies);
        Assert.Equal(LogLevel.Trace, settings.LogLevel);
        Assert.Equal(LogFormat.Json, settings.LogFormat);
        Assert.True(settings.PprofEnabled);
        Assert.Equal(new HostPort("", 6061), settings.PprofListenOn);
        Assert.True(settings.TelemetryEnabled);
        Assert.Equal("unix:///run/spire/sockets/agent.sock", settings.SpiffeEndpointSocket);
        Assert.Equal("worker-1", settings.NodeName);
        Assert.Equal("/run/forwarder/a b.sock", NsmUrl.SocketPath(settings.ListenOn!));
        Assert.Equal(new HostPort("0.0.0.0", 5002), settings.ListenOnTcp);
        Assert.Equal(ClusteringMode.Redis, settings.Clustering);
        Assert.Equal("redis:6379,password=x", settings.RedisConnectionString);
        Assert.Equal(1, settings.SiloPort);
        Assert.Equal(65535, settings.GatewayPort);
        Assert.Equal(IPAddress.Parse("fd00::5"), settings.AdvertisedIp);
        Assert.Equal(TimeSpan.FromTicks(3000), settings.DriverBindTimeout);
    }

    [Fact]
    public void Read_SetButEmptyListsMapsAndOptionalStrings_OverrideTheDefaults()
    {
        var settings = Env.ReadValid(
            ("NSM_LABELS", ""),
            ("NSM_REGISTRY_CLIENT_POLICIES", ""),
            ("NSM_OPEN_TELEMETRY_ENDPOINT", ""),
            ("NSM_DASHBOARD_LISTEN_ON", ""),
            ("NSM_LISTEN_ON", ""),
            ("NSM_LISTEN_ON_TCP", ""),
            ("TELEMETRY", ""));

        Assert.Empty(settings.Labels);
        Assert.Empty(settings.RegistryClientPolicies);
        Assert.Equal(string.Empty, settings.OpenTelemetryEndpoint);
        Assert.Null(settings.DashboardListenOn);
        Assert.Null(settings.ListenOn);
        Assert.Null(settings.ListenOnTcp);
        Assert.False(settings.TelemetryEnabled);
    }

    [Fact]
    public void Read_RedisWithoutAdvertisedIp_LeavesTheAddressToOrleans()
    {
        var settings = Env.ReadValid(("NSM_CLUSTERING", "redis"), ("NSM_REDIS_CONNECTION_STRING", "redis:6379"));

        Assert.Null(settings.AdvertisedIp);
    }

    [Fact]
    public void Read_LocalhostClusteringWithoutRedisString_IsFine()
    {
        var settings = Env.ReadValid(("NSM_CLUSTERING", "localhost"));

        Assert.Equal(ClusteringMode.Localhost, settings.Clustering);
        Assert.Equal(IPAddress.Loopback, settings.AdvertisedIp);
    }

    [Fact]
    public void ConnectTo_UnixUrl_KeepsTheAbsolutePath()
    {
        var settings = Env.ReadValid(("NSM_CONNECT_TO", "unix:///run/nsm/nsm.io.sock"));

        Assert.Equal("unix", settings.ConnectTo.Scheme);
        Assert.Equal("/run/nsm/nsm.io.sock", NsmUrl.SocketPath(settings.ConnectTo));
    }
}
