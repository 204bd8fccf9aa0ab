using Microsoft.Extensions.Logging;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Api.Nsm.Registry;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Grains.Outbound;

namespace SriovForwarder.Grains.Chain.Elements;

/// <summary>
/// Finds the next hop through the registry (upstream §6.8): the named endpoint, or else the network
/// service's live endpoints that match the connection's labels, for roundrobin to choose from. It sits
/// before the mechanism branch so that an unknown service fails before any VF is reserved.
/// </summary>
public sealed partial class DiscoverElement(INsmRegistryClient registry, TimeProvider time, ILogger<DiscoverElement> logger) : IChainElement
{
    /// <inheritdoc />
    public async Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context, IChainNext next)
    {
        var connection = request.Connection;
        if (context.ClientUrl is not null)
        {
            return await next.RequestAsync(request, context);
        }

        if (connection.NetworkServiceEndpointName.Length > 0)
        {
            context.ClientUrl = await FindUrlAsync(connection.NetworkServiceEndpointName, context.CancellationToken);
            return await next.RequestAsync(request, context);
        }

        var services = await registry.FindNetworkServicesAsync(connection.NetworkService, connection.Payload, context.CancellationToken);
        var service = services.FirstOrDefault(s => s.Name == connection.NetworkService)
            ?? throw new ForwarderException(ForwarderErrorCode.NotFound, $"network service {connection.NetworkService} is not found");
        var endpoints = await registry.FindEndpointsByServiceAsync(service.Name, context.CancellationToken);
        var candidates = EndpointMatcher.Match(time.GetUtcNow(), connection.Labels, service, endpoints);
        if (candidates.Count == 0)
        {
            throw new ForwarderException(ForwarderErrorCode.NotFound,
                $"network service endpoint candidates not found for network service {service.Name} and labels {{{string.Join(", ", connection.Labels.Select(l => $"{l.Key}: {l.Value}"))}}}");
        }

        connection.Payload = service.Payload;
        context.Candidates = candidates;
        return await next.RequestAsync(request, context);
    }

    /// <inheritdoc />
    public async Task CloseAsync(Connection connection, ChainContext context, IChainNext next)
    {
        // Rolling back, an unrecorded next hop was never called (connect records it first): there is nothing to look up.
        if (context.ClientUrl is null && context.State.NextHopUrl is null && !context.RollingBack)
        {
            if (connection.NetworkServiceEndpointName.Length > 0)
            {
                try
                {
                    context.ClientUrl = await FindUrlAsync(connection.NetworkServiceEndpointName, context.CancellationToken);
                }
                catch (Exception ex) when (ex is ForwarderException or OperationCanceledException)
                {
                    LogCloseLookupFailed(logger, connection.NetworkServiceEndpointName, ex.Message);
                }
            }
            else
            {
                LogCloseWithoutEndpoint(logger, context.ConnectionId);
            }
        }

        await next.CloseAsync(connection, context);
    }

    private async Task<string> FindUrlAsync(string name, CancellationToken cancellationToken)
    {
        var endpoints = await registry.FindEndpointsByNameAsync(name, cancellationToken);
        var endpoint = endpoints.FirstOrDefault(e => e.Name == name)
            ?? throw new ForwarderException(ForwarderErrorCode.NotFound, $"network service endpoint {name} not found");
        return endpoint.Url;
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Close: cannot find the URL of endpoint {Endpoint}: {Reason}")]
    private static partial void LogCloseLookupFailed(ILogger logger, string endpoint, string reason);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Close of connection {ConnectionId}: no endpoint name and no known next hop, the next hop cannot be closed")]
    private static partial void LogCloseWithoutEndpoint(ILogger logger, string connectionId);
}
