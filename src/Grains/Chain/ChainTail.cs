using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.Grains.Chain;

/// <summary>The end of a chain: a Request returns the request's connection, a Close does nothing.</summary>
public sealed class ChainTail : IChainNext
{
    /// <summary>The shared instance.</summary>
    public static readonly ChainTail Instance = new();

    private ChainTail()
    {
    }

    /// <inheritdoc />
    public Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context) =>
        Task.FromResult(request.Connection ?? new Connection());

    /// <inheritdoc />
    public Task CloseAsync(Connection connection, ChainContext context) => Task.CompletedTask;
}
