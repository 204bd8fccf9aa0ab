using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SriovForwarder.Api.Fleet.V1;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;
using Node = SriovForwarder.Api.Fleet.V1.Node;

namespace SriovForwarder.Gateway.Fleet;

/// <summary>
/// <c>sriov.fleet.v1.Fleet</c>: the fleet grain's view over gRPC. Bad arguments are refused naming the field and value
/// (INVALID_ARGUMENT), unknown nodes and resources naming what is known (NOT_FOUND).
/// </summary>
public sealed class FleetApiService(IGrainFactory grains, TimeProvider time) : Api.Fleet.V1.Fleet.FleetBase
{
    private IFleetGrain FleetGrain => grains.GetGrain<IFleetGrain>(IFleetGrain.Key);

    /// <inheritdoc />
    public override async Task<FleetView> GetFleet(GetFleetRequest request, ServerCallContext context) =>
        FleetMessages.View(await Call(FleetGrain.GetNodesAsync(), context));

    /// <inheritdoc />
    public override async Task<Node> GetNode(GetNodeRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.Name))
        {
            throw Invalid("name is empty: give the node's name (NSM_NODE_NAME of its forwarder)");
        }

        if (await Call(FleetGrain.GetNodeAsync(request.Name), context) is { } node)
        {
            return FleetMessages.ToNode(node);
        }

        var known = (await Call(FleetGrain.GetNodesAsync(), context)).Select(n => n.Node);
        throw new RpcException(new Status(StatusCode.NotFound,
            $"name \"{request.Name}\": no such node in the fleet (known: {string.Join(", ", known.DefaultIfEmpty("none"))})"));
    }

    /// <inheritdoc />
    public override async Task<FindNodesResponse> FindNodes(FindNodesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.ResourceName))
        {
            throw Invalid("resource_name is empty: give a resource such as service.domain.1/10G");
        }

        if (request.Count <= 0)
        {
            throw Invalid($"count {request.Count}: must be at least 1");
        }

        var driver = ParseDriver(request.Driver);
        var limit = Limit(request.Limit);
        // One more than the limit tells whether there were more.
        var matches = await Call(FleetGrain.FindAsync(request.ResourceName, request.Count, driver, limit + 1), context);
        if (matches.Count == 0)
        {
            var offered = await Call(FleetGrain.GetResourceNamesAsync(), context);
            if (!offered.Contains(request.ResourceName, StringComparer.Ordinal))
            {
                throw new RpcException(new Status(StatusCode.NotFound,
                    $"resource_name \"{request.ResourceName}\": no node offers it (offered: {string.Join(", ", offered.DefaultIfEmpty("none"))})"));
            }
        }

        var response = new FindNodesResponse { More = matches.Count > limit };
        response.Nodes.AddRange(matches.Take(limit).Select(m => new NodeMatch { Name = m.Node, Available = m.Available }));
        return response;
    }

    /// <inheritdoc />
    public override async Task Watch(WatchRequest request, IServerStreamWriter<NodeChange> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var (watch, nodes) = await Call(FleetWatch.StartAsync(grains, context.CancellationToken), context);
        await using (watch)
        {
            foreach (var node in nodes)
            {
                await responseStream.WriteAsync(Change(node, initial: true), context.CancellationToken);
            }

            try
            {
                await foreach (var node in watch.Changes.ReadAllAsync(context.CancellationToken))
                {
                    await responseStream.WriteAsync(Change(node, initial: false), context.CancellationToken);
                }
            }
            catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
            {
                // The client went away.
            }
        }
    }

    /// <summary>The driver a FindNodes request names: empty (any), <c>kernel</c>, or <c>vfio-pci</c> (also <c>vfio</c>).</summary>
    public static VfDriver? ParseDriver(string driver) => driver switch
    {
        "" => null,
        "kernel" or "KERNEL" => VfDriver.Kernel,
        "vfio-pci" or "vfio" or "VFIO" => VfDriver.VfioPci,
        _ => throw Invalid($"driver \"{driver}\": must be empty (any), kernel or vfio-pci"),
    };

    /// <summary>The FindNodes request's limit: 0 is <see cref="IFleetGrain.DefaultFindLimit"/>; below 0 or above <see cref="IFleetGrain.MaxFindLimit"/> is refused.</summary>
    public static int Limit(int limit) => limit switch
    {
        0 => IFleetGrain.DefaultFindLimit,
        < 0 or > IFleetGrain.MaxFindLimit => throw Invalid($"limit {limit}: must be 0 (the default, {IFleetGrain.DefaultFindLimit}) or 1 to {IFleetGrain.MaxFindLimit}"),
        _ => limit,
    };

    private NodeChange Change(FleetNode node, bool initial) => new()
    {
        Node = FleetMessages.ToNode(node),
        SentAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
        Initial = initial,
    };

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    // The fleet grain's failures as the API's status: its silo unreachable is UNAVAILABLE.
    private static async Task<T> Call<T>(Task<T> call, ServerCallContext context)
    {
        try
        {
            return await call.WaitAsync(context.CancellationToken);
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"the fleet grain did not answer: {ex.Message}"));
        }
    }
}
