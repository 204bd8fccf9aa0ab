using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Outbound;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.VfEthernet;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Grains.Tests.Chain;

/// <summary>One in-process silo on node <see cref="Node"/> with the real chain over fake VFs, cgroups, registry and next hop.</summary>
public sealed class ConnectionClusterFixture : IAsyncLifetime
{
    public const string Node = "node-a";
    public const string ForwarderName = "forwarder";

    private NodeSilos _silos = null!;

    public InProcessTestCluster Cluster => _silos.Cluster;

    internal FakeVfPool Pool { get; } = new(vfs: 64);

    internal FakeCgroupGrants Cgroups { get; } = new();

    internal FakeNextHop NextHop { get; } = new();

    internal RecordingSink Events { get; } = new();

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        _silos = await NodeSilos.StartAsync(new NodeSilosOptions
        {
            Nodes = [Node],
            ConfigureSilo = silo =>
        {
            silo.Services.AddSingleton<IVfPool>(Pool);
            silo.Services.AddSingleton<IVfioDevices>(new FakeVfioDevices());
            silo.Services.AddSingleton<IDeviceCgroupController>(Cgroups);
            silo.Services.AddSingleton<INsmRegistryClient>(FakeRegistry.WithEndpoints("nse-1"));
            silo.Services.AddSingleton<INextHopClient>(NextHop);
            silo.Services.AddSingleton<IConnectionEventSink>(Events);
            silo.Services.AddSingleton<TimeProvider>(Time);
            silo.Services.AddForwarderChain(o =>
            {
                o.Name = ForwarderName;
                o.NodeName = Node;
            });
        },
        });
    }

    public async Task DisposeAsync() => await _silos.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ConnectionClusterCollection : ICollectionFixture<ConnectionClusterFixture>
{
    public const string Name = "connection cluster";
}
