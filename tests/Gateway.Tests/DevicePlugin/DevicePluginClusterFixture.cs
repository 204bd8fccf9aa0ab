using Orleans.TestingHost;
using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Gateway.Tests.DevicePlugin;

/// <summary>
/// One silo serving node <see cref="Node"/> on a SIMULATED SR-IOV node of 2 PFs × 4 VFs, each PF offering
/// <see cref="Intel"/> and <see cref="TenG"/> (so each resource has 8 tokens, and a VF used through one name
/// closes a token of the other): the real node grain behind the device plugin.
/// </summary>
public sealed class DevicePluginClusterFixture : IAsyncLifetime
{
    public const string Node = "node-dp";
    public const string Intel = "service.domain.1/intel";
    public const string TenG = "service.domain.1/10G";
    public const int TokensPerResource = 8;

    private NodeSilos _silos = null!;

    public InProcessTestCluster Cluster => _silos.Cluster;

    public IGrainFactory Grains => Cluster.Client;

    public INodeGrain NodeGrain => Grains.GetGrain<INodeGrain>(Node);

    public async Task InitializeAsync() => _silos = await NodeSilos.StartAsync(new NodeSilosOptions
    {
        Nodes = [Node],
        SimulatedNode = "pfs=2,vfs=4,capabilities=intel+10G,domains=service.domain.1",
    });

    public async Task DisposeAsync() => await _silos.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class DevicePluginClusterCollection : ICollectionFixture<DevicePluginClusterFixture>
{
    public const string Name = "device plugin cluster";
}
