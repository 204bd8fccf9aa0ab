using SriovForwarder.Grains.Configuration;

namespace SriovForwarder.Silo.Tests.Deployment;

/// <summary>The example SR-IOV config in the ConfigMap is one the forwarder's own reader accepts.</summary>
public sealed class SriovConfigMapTests
{
    [Fact]
    public void ConfigMap_SriovConfig_ParsesWithTheProductsReader()
    {
        var manifests = KubernetesManifests.Load();
        var file = Path.GetFileName(manifests.Settings().SriovConfigFile);
        var yaml = manifests.ConfigMapEntry("sriov-forwarder-config", file);
        Assert.NotNull(yaml);

        var config = SriovConfigReader.Parse(yaml, $"deploy/k8s/sriov-config.yaml ({file})");

        Assert.NotEmpty(config.PhysicalFunctions);
        Assert.Contains("service.domain.1/10G", config.ResourceNames);
    }
}
