using Microsoft.Extensions.Logging;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Chain.Elements;

/// <summary>
/// Starts the VF reserve of a connection's first VFIO or KERNEL request before discover, so the node grain's turn runs while the
/// registry answers instead of after it (decision 052). The resourcepool element of the mechanism's branch takes the answer
/// (<see cref="ChainContext.EarlyReservation"/>) instead of reserving; when nothing took it (discover found no next hop,
/// another element failed first) this element frees it before the Request ends, so a failed request leaves no VF
/// reserved. A crash in between is undone as any cut-short first Request: the connection's intent is on disk before the
/// chain runs, and the undo releases whatever the node holds for the connection.
/// </summary>
public sealed partial class EarlyReserveElement(IVfPool pool, ILogger<EarlyReserveElement> logger) : IChainElement
{
    /// <inheritdoc />
    public async Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context, IChainNext next)
    {
        if (Plan(request, context) is not { } reserve)
        {
            return await next.RequestAsync(request, context);
        }

        var early = new EarlyReservation(reserve, ReserveAsync(context.Node, reserve));
        context.EarlyReservation = early;
        Connection result;
        try
        {
            result = await next.RequestAsync(request, context);
        }
        catch when (context.EarlyReservation == early)
        {
            context.EarlyReservation = null;
            await FreeAsync(early, pool, context, logger);
            throw;
        }

        if (context.EarlyReservation == early)
        {
            // Served without the mechanism's branch taking the VF (not expected: the branch it was made for runs first).
            context.EarlyReservation = null;
            await FreeAsync(early, pool, context, logger);
        }

        return result;
    }

    /// <inheritdoc />
    public Task CloseAsync(Connection connection, ChainContext context, IChainNext next) => next.CloseAsync(connection, context);

    // A pool that throws instead of returning a failed task still fails the reserve, not this element.
    private async Task<VfReservation> ReserveAsync(string node, ReserveRequest reserve) => await pool.ReserveAsync(node, reserve);

    /// <summary>Waits for an early reserve nobody took and releases what it reserved; failures are logged, the reconcile pass reclaims the rest.</summary>
    internal static async Task FreeAsync(EarlyReservation early, IVfPool pool, ChainContext context, ILogger logger)
    {
        try
        {
            await early.Reservation;
        }
        catch (Exception)
        {
            return; // nothing was reserved: the node refused (no free VF, unknown token), which is for the branch to report
        }

        try
        {
            await pool.ReleaseAsync(context.Node, context.ConnectionId);
        }
        catch (Exception ex)
        {
            LogFreeFailed(logger, context.ConnectionId, ex.Message);
        }
    }

    // Only a first request (nothing established, no VF held, not an undo) whose first mechanism the branches would try is
    // VFIO or KERNEL with a token: what that branch's resourcepool would then reserve, asked the same way.
    private static ReserveRequest? Plan(NetworkServiceRequest request, ChainContext context)
    {
        if (context.RollingBack || context.State.Established || context.State.Vf is not null || context.EarlyReservation is not null)
        {
            return null;
        }

        var mechanism = request.Connection?.Mechanism is { Type.Length: > 0 } current
            ? current
            : request.MechanismPreferences.FirstOrDefault(m => m.Type is MechanismTypes.Kernel or MechanismTypes.Vfio or MechanismTypes.Noop);
        var driver = mechanism?.Type switch
        {
            MechanismTypes.Vfio => VfDriver.VfioPci,
            MechanismTypes.Kernel => VfDriver.Kernel,
            _ => (VfDriver?)null,
        };
        if (driver is null || mechanism!.Parameters.GetValueOrDefault(MechanismTypes.TokenIdKey) is not { Length: > 0 } token)
        {
            return null;
        }

        return ResourcePoolElement.ReserveRequestFor(
            context.ConnectionId, token, driver.Value, ResourcePoolElement.OwnerOf(request, mechanism.Type));
    }

    [LoggerMessage(EventId = 8890, Level = LogLevel.Error,
        Message = "Connection {ConnectionId}: the VF reserved before discover could not be freed after the request failed: {Reason}")]
    private static partial void LogFreeFailed(ILogger logger, string connectionId, string reason);
}
