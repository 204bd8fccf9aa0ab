using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.TestingHost;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Outbound;
using SriovForwarder.Grains.Placement;
using SriovForwarder.Grains.Storage;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Grains.Tests.Chain;

/// <summary>One in-process silo on node <see cref="Node"/> with the real chain over fake VFs, cgroups, registry and next hop.</summary>
public sealed class ConnectionClusterFixture : IAsyncLifetime
{
    public const string Node = "node-a";
    public const string ForwarderName = "forwarder";

    private readonly string _statePath = Directory.CreateTempSubdirectory("chain-state-").FullName;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    internal FakeVfPool Pool { get; } = new(vfs: 64);

    internal FakeCgroupGrants Cgroups { get; } = new();

    internal FakeNextHop NextHop { get; } = new();

    internal RecordingSink Events { get; } = new();

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddNodeFileStorage(_statePath);
            silo.UseSiloMetadata(new Dictionary<string, string> { [NodeKeys.SiloMetadataKey] = Node });
            silo.Services.AddSingleton(new LocalNode(Node));
            silo.Services.AddPlacementDirector<NodeBoundPlacementStrategy, NodeBoundPlacementDirector>();
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
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Directory.Delete(_statePath, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class ConnectionClusterCollection : ICollectionFixture<ConnectionClusterFixture>
{
    public const string Name = "connection cluster";
}
