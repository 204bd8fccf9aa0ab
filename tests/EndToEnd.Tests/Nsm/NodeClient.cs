using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>An Orleans client on the forwarder's gateway port, to read the node's tokens and reservations as an operator would.</summary>
public sealed class NodeClient : IAsyncDisposable
{
    private readonly IHost _host;

    private NodeClient(IHost host, string node)
    {
        _host = host;
        Grains = host.Services.GetRequiredService<IGrainFactory>();
        Node = Grains.GetGrain<INodeGrain>(node);
    }

    public IGrainFactory Grains { get; }

    public INodeGrain Node { get; }

    public static async Task<NodeClient> ConnectAsync(int gatewayPort, string node)
    {
        var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .UseOrleansClient(c => c.UseLocalhostClustering(gatewayPort, serviceId: "sriov-forwarder", clusterId: "sriov-forwarder"))
            .Build();
        await host.StartAsync();
        return new NodeClient(host, node);
    }

    /// <summary>The token ids of <paramref name="resource"/>.</summary>
    public async Task<IReadOnlyList<string>> TokensAsync(string resource) =>
        [.. (await Node.GetDevicesAsync(resource)).Devices.Select(d => d.Id)];

    /// <summary>A token of <paramref name="resource"/> that no reservation holds now.</summary>
    public async Task<string> FreeTokenAsync(string resource)
    {
        var snapshot = await Node.GetSnapshotAsync();
        var held = snapshot.Reservations.Select(r => r.TokenId).ToHashSet(StringComparer.Ordinal);
        return (await TokensAsync(resource)).First(t => !held.Contains(t));
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
