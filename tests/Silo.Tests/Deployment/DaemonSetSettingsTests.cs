using SriovForwarder.Silo.Configuration;

namespace SriovForwarder.Silo.Tests.Deployment;

/// <summary>The DaemonSet's environment is one the forwarder reads, and reads without a problem.</summary>
public sealed class DaemonSetSettingsTests
{
    private readonly KubernetesManifests _manifests = KubernetesManifests.Load();

    [Fact]
    public void Env_EveryVariable_IsOneTheProcessReads()
    {
        var known = ForwarderSettingsVariables.All.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);

        var unknown = _manifests.Environment().Keys.Where(name => !known.Contains(name)).ToList();

        Assert.True(unknown.Count == 0, $"the DaemonSet sets variables the forwarder does not read: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void Env_WithDownwardApiValues_ReadsWithoutProblems()
    {
        var settings = _manifests.Settings();

        Assert.Equal("worker-1", settings.NodeName);
        Assert.Equal("sriov-forwarder-x7k2p", settings.Name);
        Assert.Equal("10.0.0.11", settings.AdvertisedIp?.ToString());
    }

    [Fact]
    public void Env_DownwardApi_NodeNamePodIpAndName()
    {
        var fields = _manifests.Container.Items("env")
            .Where(v => v.Text("valueFrom.fieldRef.fieldPath") is not null)
            .ToDictionary(v => v.Text("name")!, v => v.Text("valueFrom.fieldRef.fieldPath"), StringComparer.Ordinal);

        Assert.Equal("spec.nodeName", fields["NSM_NODE_NAME"]);
        Assert.Equal("status.podIP", fields["NSM_ADVERTISED_IP"]);
        Assert.Equal("metadata.name", fields["NSM_NAME"]);
    }

    [Fact]
    public void Redis_ConnectionString_NamesTheBundledService()
    {
        var settings = _manifests.Settings();
        var service = _manifests.Single("Service", "sriov-forwarder-redis");
        var port = Assert.Single(service.Items("spec.ports")).Text("port");

        Assert.Equal(ClusteringMode.Redis, settings.Clustering);
        Assert.Equal($"sriov-forwarder-redis:{port}", settings.RedisConnectionString);
    }

    [Fact]
    public void ExternalRedisExample_SetsOnlyVariablesTheProcessReads()
    {
        var patch = YamlTree.Documents(RepositoryFiles.Read("deploy/examples/external-redis/use-external-redis.yaml")).Single();
        var known = ForwarderSettingsVariables.All.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var container = Assert.Single(patch.Items("spec.template.spec.containers"));

        var names = container.Items("env").Select(v => v.Text("name")!).ToList();

        Assert.Contains("NSM_REDIS_CONNECTION_STRING", names);
        Assert.All(names, name => Assert.Contains(name, known));
    }
}
