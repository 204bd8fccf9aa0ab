using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Gateway.Grpc;

/// <summary>
/// The forwarder's <c>networkservice.NetworkService</c>: each Request or Close goes to the connection
/// grain of this node named by this forwarder's path segment id, and failures become gRPC statuses.
/// </summary>
public sealed partial class NetworkServiceEndpoint(IGrainFactory grains, IOptions<NsmEndpointOptions> options, ILogger<NetworkServiceEndpoint> logger)
    : NetworkService.NetworkServiceBase
{
    private static readonly TimeSpan ClosePassedFileTimeout = TimeSpan.FromSeconds(1);

    private readonly NsmEndpointOptions _options = options.Value;

    /// <inheritdoc />
    public override async Task<Connection> Request(NetworkServiceRequest request, ServerCallContext context)
    {
        if (request.Connection is null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "request.connection is missing"));
        }

        // A new connection gets its segment id here, so that the grain key and the path agree; a retry gets the same one.
        var id = ForwarderPath.SegmentIdOf(request.Connection, _options.Name) ?? ForwarderPath.NewSegmentId(request.Connection, _options.Name);
        var first = request.Connection.Path?.PathSegments.All(s => s.Name != _options.Name) ?? true;
        try
        {
            using var passed = await PassedFileUrls.ResolveAsync(
                request.MechanismPreferences.Append(request.Connection.Mechanism), context, _options.PassedFileTimeout, required: true);
            var connection = await Grain(id).RequestAsync(request);
            passed.RestoreIn(connection);
            if (first && context.CancellationToken.IsCancellationRequested)
            {
                // The caller gave up (deadline, disconnect) while the chain ran: it never learns of this new connection
                // and would never close it, so its VF, cgroup grants and next hop are undone now.
                LogAbandoned(logger, id);
                await Grain(id).CloseAsync(connection);
            }

            return connection;
        }
        catch (Exception ex)
        {
            var rpc = GrpcErrors.ToRpcException(ex);
            LogFailed(logger, "Request", id, rpc.StatusCode, rpc.Status.Detail);
            throw rpc;
        }
    }

    /// <inheritdoc />
    public override async Task<Empty> Close(Connection request, ServerCallContext context)
    {
        var id = ForwarderPath.SegmentIdOf(request, _options.Name);
        if (id is null)
        {
            LogCloseUnknown(logger, request.Id);
            return new Empty();
        }

        try
        {
            // The grain closes what it remembers; the descriptor passed with a Close is only claimed so it is released.
            using var passed = await PassedFileUrls.ResolveAsync([request.Mechanism], context, ClosePassedFileTimeout, required: false);
            await Grain(id).CloseAsync(request);
            return new Empty();
        }
        catch (Exception ex)
        {
            var rpc = GrpcErrors.ToRpcException(ex);
            LogFailed(logger, "Close", id, rpc.StatusCode, rpc.Status.Detail);
            throw rpc;
        }
    }

    private IConnectionGrain Grain(string id) => grains.GetGrain<IConnectionGrain>(NodeKeys.For(_options.NodeName, id));

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "{Method} of connection {ConnectionId} failed with {Status}: {Detail}")]
    private static partial void LogFailed(ILogger logger, string method, string connectionId, StatusCode status, string detail);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Request of connection {ConnectionId} completed after its caller gave up; closing it again")]
    private static partial void LogAbandoned(ILogger logger, string connectionId);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Close of connection {ConnectionId}: no segment of this forwarder in its path, nothing to close")]
    private static partial void LogCloseUnknown(ILogger logger, string connectionId);
}
