using SriovForwarder.Silo.Configuration;

namespace SriovForwarder.Silo.Tests.Configuration;

public sealed class ForwarderSettingsHelpTests
{
    [Fact]
    public void Render_ListsEveryVariableWithTypeDefaultAndMeaning()
    {
        var lines = ForwarderSettingsHelp.Render().Split(Environment.NewLine);

        foreach (var variable in ForwarderSettingsVariables.All)
        {
            var line = Assert.Single(lines, l => l.StartsWith(variable.Name + " ", StringComparison.Ordinal));
            Assert.Contains(variable.Type, line, StringComparison.Ordinal);
            Assert.Contains(variable.Default.Length == 0 ? "(none)" : variable.Default, line, StringComparison.Ordinal);
            Assert.EndsWith(variable.Meaning, line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Table_CoversEveryUpstreamAndDesignVariable()
    {
        string[] expected =
        [
            "NSM_NAME", "NSM_LABELS", "NSM_NSNAME", "NSM_CONNECT_TO", "NSM_DIAL_TIMEOUT", "NSM_MAX_TOKEN_LIFETIME",
            "NSM_REGISTRY_CLIENT_POLICIES", "NSM_RESOURCE_POLL_TIMEOUT", "NSM_DEVICE_PLUGIN_PATH", "NSM_POD_RESOURCES_PATH",
            "NSM_SRIOV_CONFIG_FILE", "NSM_PCI_DEVICES_PATH", "NSM_PCI_DRIVERS_PATH", "NSM_CGROUP_PATH", "NSM_VFIO_PATH",
            "NSM_CGROUP2_PATH", "NSM_BPF_PIN_PATH",
            "NSM_LOG_FORMAT",
            "NSM_LOG_LEVEL", "NSM_OPEN_TELEMETRY_ENDPOINT", "NSM_METRICS_EXPORT_INTERVAL", "NSM_PPROF_ENABLED", "NSM_PPROF_LISTEN_ON",
            "TELEMETRY", "SPIFFE_ENDPOINT_SOCKET",
            "NSM_NODE_NAME", "NSM_STATE_PATH", "NSM_LISTEN_ON", "NSM_LISTEN_ON_TCP", "NSM_CLUSTER_ID", "NSM_CLUSTERING",
            "NSM_REDIS_CONNECTION_STRING", "NSM_SILO_PORT", "NSM_GATEWAY_PORT", "NSM_ADVERTISED_IP", "NSM_DASHBOARD_LISTEN_ON", "NSM_OPS_LISTEN_ON",
            "NSM_FLEET_LISTEN_ON",
            "NSM_DRIVER_BIND_TIMEOUT", "NSM_RECONCILE_INTERVAL", "NSM_HEALTH_RECONCILE_INTERVAL", "NSM_SPIFFE_START_TIMEOUT",
        ];

        Assert.Equal(expected.Order(), ForwarderSettingsVariables.All.Select(v => v.Name).Order());
    }

    [Fact]
    public void RenderValues_RedisPassword_IsMasked()
    {
        var settings = new ForwarderSettings { RedisConnectionString = "redis:6379,password=hunter2", DialTimeout = TimeSpan.FromSeconds(90) };

        var text = ForwarderSettingsHelp.RenderValues(settings);

        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.Contains(text.Split(Environment.NewLine), l => l.StartsWith("NSM_REDIS_CONNECTION_STRING", StringComparison.Ordinal) && l.EndsWith("***", StringComparison.Ordinal));
        Assert.Contains(text.Split(Environment.NewLine), l => l.StartsWith("NSM_DIAL_TIMEOUT", StringComparison.Ordinal) && l.EndsWith("1m30s", StringComparison.Ordinal));
    }

    [Fact]
    public void ToString_RedisPassword_IsMaskedAndValuesUseEnvironmentSyntax()
    {
        var text = new ForwarderSettings { RedisConnectionString = "redis:6379,password=hunter2", Name = "fwd-1" }.ToString();

        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.Contains("NSM_REDIS_CONNECTION_STRING=***", text, StringComparison.Ordinal);
        Assert.Contains("NSM_NAME=fwd-1, NSM_LABELS=p2p:true,", text, StringComparison.Ordinal);
        Assert.Contains("NSM_DIAL_TIMEOUT=50ms", text, StringComparison.Ordinal);
    }
}
