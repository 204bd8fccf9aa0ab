using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Gateway.Authorization;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Gateway.Grpc;

/// <summary>
/// The forwarder's <c>networkservice.NetworkService</c>: each Request or Close goes to the connection
/// grain of this node named by this forwarder's path segment id, and failures become gRPC statuses.
/// </summary>
public sealed partial class NetworkServiceEndpoint(
    IGrainFactory grains, IOptions<NsmEndpointOptions> options, NsmServerSecurity security, ILogger<NetworkServiceEndpoint> logger)
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

        // Control characters are refused before anything else: the segment id becomes a grain key and a file name,
        // and an inodeURL is opened by recvfd below.
        Refuse("Request", request.Connection.Id, () => RequestStrings.Check(request));

        // A new connection gets its segment id here, so that the grain key and the path agree; a retry gets the same one.
        var id = ForwarderPath.SegmentIdOf(request.Connection, _options.Name) ?? ForwarderPath.NewSegmentId(request.Connection, _options.Name);
        var first = request.Connection.Path?.PathSegments.All(s => s.Name != _options.Name) ?? true;
        try
        {
            // Tokens and policies first: a refused Request reaches no grain, claims no descriptor and holds nothing.
            security.AuthorizeRequest(request, id, context);
            using var passed = await PassedFileUrls.ResolveAsync(
                request.MechanismPreferences.Append(request.Connection.Mechanism), context, _options.PassedFileTimeout, required: true);
            Connection connection;
            using (CallDeadline.Use(context.Deadline))
            {
                // The token stops the chain (and the next hop) when the caller gives up; the deadline is passed on to the next hop.
                connection = await Grain(id).RequestAsync(request, context.CancellationToken);
            }

            passed.RestoreIn(connection);
            if (first && context.CancellationToken.IsCancellationRequested)
            {
                // The caller gave up (deadline, disconnect) just as the chain completed: it never learns of this new
                // connection and would never close it, so its VF, cgroup grants and next hop are undone now.
                await CloseAbandonedAsync(id, connection);
            }

            security.Established(id, context);
            return connection;
        }
        catch (Exception ex)
        {
            var gaveUp = context.CancellationToken.IsCancellationRequested || ex is OperationCanceledException or TimeoutException;
            if (first && gaveUp)
            {
                // The grain call returns as soon as the caller gives up, while the grain may still be finishing; this Close
                // queues behind it and undoes the connection should it have completed after all.
                await CloseAbandonedAsync(id, request.Connection);
            }

            var rpc = ex is OperationCanceledException && context.Deadline <= DateTime.UtcNow
                ? new RpcException(new Status(StatusCode.DeadlineExceeded, "the caller's deadline passed before the connection completed; it was undone"))
                : GrpcErrors.ToRpcException(ex);
            LogFailed(logger, "Request", id, rpc.StatusCode, rpc.Status.Detail);
            throw rpc;
        }
    }

    /// <inheritdoc />
    public override async Task<Empty> Close(Connection request, ServerCallContext context)
    {
        Refuse("Close", request.Id, () => RequestStrings.Check(request));
        var id = ForwarderPath.SegmentIdOf(request, _options.Name);
        if (id is null)
        {
            LogCloseUnknown(logger, request.Id);
            return new Empty();
        }

        try
        {
            security.AuthorizeClose(request, id, context);
            // The grain closes what it remembers; the descriptor passed with a Close is only claimed so it is released.
            using var passed = await PassedFileUrls.ResolveAsync([request.Mechanism], context, ClosePassedFileTimeout, required: false);
            await Grain(id).CloseAsync(request);
            security.Closed(id);
            return new Empty();
        }
        catch (Exception ex)
        {
            var rpc = GrpcErrors.ToRpcException(ex);
            LogFailed(logger, "Close", id, rpc.StatusCode, rpc.Status.Detail);
            throw rpc;
        }
    }

    private void Refuse(string method, string connectionId, Action check)
    {
        try
        {
            check();
        }
        catch (ForwarderException ex)
        {
            var rpc = GrpcErrors.ToRpcException(ex);
            LogFailed(logger, method, RequestStrings.FindControl(connectionId) < 0 ? connectionId : "(id with control characters)", rpc.StatusCode, rpc.Status.Detail);
            throw rpc;
        }
    }

    private async Task CloseAbandonedAsync(string id, Connection connection)
    {
        LogAbandoned(logger, id);
        try
        {
            await Grain(id).CloseAsync(connection);
        }
        catch (Exception ex)
        {
            LogAbandonedCloseFailed(logger, id, ex.Message);
        }
    }

    private IConnectionGrain Grain(string id) => grains.GetGrain<IConnectionGrain>(NodeKeys.For(_options.NodeName, id));

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "{Method} of connection {ConnectionId} failed with {Status}: {Detail}")]
    private static partial void LogFailed(ILogger logger, string method, string connectionId, StatusCode status, string detail);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "The caller of Request of connection {ConnectionId} gave up; closing the connection again")]
    private static partial void LogAbandoned(ILogger logger, string connectionId);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Closing connection {ConnectionId} after its caller gave up failed: {Reason}")]
    private static partial void LogAbandonedCloseFailed(ILogger logger, string connectionId, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Close of connection {ConnectionId}: no segment of this forwarder in its path, nothing to close")]
    private static partial void LogCloseUnknown(ILogger logger, string connectionId);
}
