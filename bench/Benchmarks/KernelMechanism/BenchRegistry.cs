using SriovForwarder.Api.Nsm.Registry;
using SriovForwarder.Grains.Outbound;

namespace SriovForwarder.Benchmarks.KernelMechanism;

/// <summary>An in-memory registry with one network service and one endpoint.</summary>
internal sealed class BenchRegistry : INsmRegistryClient
{
    private static readonly NetworkServiceEndpoint Endpoint = new() { Name = "nse-1", Url = "unix:///run/nse-1.sock", NetworkServiceNames = { "sriov-ns" } };

    public Task<IReadOnlyList<NetworkServiceEndpoint>> FindEndpointsByNameAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<NetworkServiceEndpoint>>(name == Endpoint.Name ? [Endpoint] : []);

    public Task<IReadOnlyList<NetworkService>> FindNetworkServicesAsync(string name, string payload, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<NetworkService>>([new NetworkService { Name = name, Payload = "ETHERNET" }]);

    public Task<IReadOnlyList<NetworkServiceEndpoint>> FindEndpointsByServiceAsync(string networkService, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<NetworkServiceEndpoint>>([Endpoint]);
}
