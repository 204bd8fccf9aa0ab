using System.Net;
using Microsoft.Extensions.Logging;
using SriovForwarder.Silo.Configuration;

namespace SriovForwarder.Silo.Tests.Configuration;

public sealed class ForwarderSettingsReaderDefaultsTests
{
    [Fact]
    public void Read_EmptyEnvironment_GivesUpstreamCodeDefaults()
    {
        var settings = Env.ReadValid();

        Assert.Equal("sriov-forwarder", settings.Name);
        Assert.Equal(new Dictionary<string, string> { ["p2p"] = "true" }, settings.Labels);
        Assert.Equal("forwarder", settings.NetworkServiceName);
        Assert.Equal("unix", settings.ConnectTo.Scheme);
        Assert.Equal("/var/lib/networkservicemesh/nsm.io.sock", NsmUrl.SocketPath(settings.ConnectTo));
        Assert.Equal(TimeSpan.FromMilliseconds(50), settings.DialTimeout);
        Assert.Equal(TimeSpan.FromMinutes(10), settings.MaxTokenLifetime);
        Assert.Equal(["etc/nsm/opa/common/.*.rego", "etc/nsm/opa/registry/.*.rego", "etc/nsm/opa/client/.*.rego"], settings.RegistryClientPolicies);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.ResourcePollTimeout);
        Assert.Equal("/var/lib/kubelet/device-plugins/", settings.DevicePluginPath);
        Assert.Equal("/var/lib/kubelet/pod-resources/", settings.PodResourcesPath);
        Assert.Equal("pci.config", settings.SriovConfigFile);
        Assert.Equal("/sys/bus/pci/devices", settings.PciDevicesPath);
        Assert.Equal("/sys/bus/pci/drivers", settings.PciDriversPath);
        Assert.Equal("/host/sys/fs/cgroup/devices", settings.CgroupPath);
        Assert.Equal("/host/sys/fs/cgroup", settings.Cgroup2Path);
        Assert.Equal("/sys/fs/bpf/nsm-sriov-forwarder", settings.BpfPinPath);
        Assert.Equal("/host/dev/vfio", settings.VfioPath);
        Assert.Equal(LogLevel.Information, settings.LogLevel);
        Assert.Equal(LogFormat.Text, settings.LogFormat);
        Assert.Equal("otel-collector.observability.svc.cluster.local:4317", settings.OpenTelemetryEndpoint);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.MetricsExportInterval);
        Assert.False(settings.PprofEnabled);
        Assert.Equal(new HostPort("localhost", 6060), settings.PprofListenOn);
        Assert.False(settings.TelemetryEnabled);
        Assert.Null(settings.SpiffeEndpointSocket);
    }

    [Fact]
    public void Read_EmptyEnvironment_GivesOurDesignDefaults()
    {
        var settings = Env.ReadValid();

        Assert.Equal(Dns.GetHostName(), settings.NodeName);
        Assert.Equal("/var/lib/networkservicemesh/sriov-forwarder", settings.StatePath);
        Assert.Null(settings.ListenOn);
        Assert.Null(settings.ListenOnTcp);
        Assert.Equal("sriov-forwarder", settings.ClusterId);
        Assert.Equal(ClusteringMode.Localhost, settings.Clustering);
        Assert.Null(settings.RedisConnectionString);
        Assert.Equal(11111, settings.SiloPort);
        Assert.Equal(30000, settings.GatewayPort);
        Assert.Equal(IPAddress.Loopback, settings.AdvertisedIp);
        // Off unless asked for: it costs about 60 MiB resident (decision 032).
        Assert.Null(settings.DashboardListenOn);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.DriverBindTimeout);
    }

    [Fact]
    public void DescriptorDefaults_ParsedLikeAValue_EqualTheSettingsDefaults()
    {
        var defaults = new ForwarderSettings();
        foreach (var variable in ForwarderSettingsVariables.All.Where(v => !v.Default.StartsWith('(') && !v.Default.Contains(' ')))
        {
            var settings = Env.ReadValid((variable.Name, variable.Default));

            Assert.True(variable.FormatValue(defaults) == variable.FormatValue(settings), $"{variable.Name}: help default {variable.Default} differs from the settings default");
        }
    }

    [Fact]
    public void Read_NullValue_MeansUnset()
    {
        var settings = Env.ReadValid(("NSM_DIAL_TIMEOUT", null), ("NSM_NAME", null));

        Assert.Equal(TimeSpan.FromMilliseconds(50), settings.DialTimeout);
        Assert.Equal("sriov-forwarder", settings.Name);
    }

    [Fact]
    public void TemporaryListenSocket_Create_MakesAFreshFolderPerCall()
    {
        var first = TemporaryListenSocket.Create();
        var second = TemporaryListenSocket.Create();
        try
        {
            Assert.NotEqual(first, second);
            Assert.Null(NsmUrl.CheckUnix(first.OriginalString, out _));
            Assert.Equal("listen_on.io.sock", Path.GetFileName(NsmUrl.SocketPath(first)));
            Assert.StartsWith("sriov-forwarder-", Path.GetFileName(Path.GetDirectoryName(NsmUrl.SocketPath(first))), StringComparison.Ordinal);
            Assert.True(Directory.Exists(Path.GetDirectoryName(NsmUrl.SocketPath(first))));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(NsmUrl.SocketPath(first))!);
            Directory.Delete(Path.GetDirectoryName(NsmUrl.SocketPath(second))!);
        }
    }
}
