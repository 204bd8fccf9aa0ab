using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Grains.Outbound;
using SriovForwarder.Kernel.Cgroups;

namespace SriovForwarder.Grains.Chain;

/// <summary>
/// What the connection grain does with a state a previous process left behind (decision 007): gives the cgroup
/// reference counts back the grants it records, tells the monitor an established connection is still there, and
/// undoes a first Request or a Close that a crash cut short by running the chain's Close over what was recorded.
/// </summary>
public sealed partial class ConnectionUndo(
    ForwarderChain chain,
    IVfPool pool,
    IDeviceCgroupController cgroups,
    IConnectionEventSink events,
    IOptions<ForwarderChainOptions> options,
    ILogger<ConnectionUndo> logger)
{
    /// <summary>Takes back the references of the grants the state records; call once per process, before any deny.</summary>
    public void RestoreGrants(ConnectionState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Vfio is { Grants.Count: > 0 } vfio)
        {
            cgroups.RestoreGrants([.. vfio.Grants.Select(g => g.ToDeviceGrant())]);
        }
    }

    /// <summary>Publishes an established connection again, so monitors that subscribe after a restart see it.</summary>
    public void Republish(ConnectionState state, string node, string connectionId) => Publish(state, node, connectionId, State.Up);

    /// <summary>Publishes an established connection with <paramref name="connectionState"/> (DOWN while its VF is unhealthy, decision 026).</summary>
    public void Publish(ConnectionState state, string node, string connectionId, State connectionState)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.LastConnection is not { } bytes)
        {
            return;
        }

        // The stored connection is in the caller's coordinates; the monitor speaks in ours.
        var connection = Connection.Parser.ParseFrom(bytes);
        var name = options.Value.Name;
        var ours = connection.Path?.PathSegments.ToList().FindIndex(s => s.Name == name && s.Id == connectionId) ?? -1;
        if (ours >= 0)
        {
            connection.Path!.Index = (uint)ours;
        }

        connection.Id = connectionId;
        connection.State = connectionState;
        events.Publish(node, ConnectionEventType.Update, connection);
    }

    /// <summary>
    /// Undoes everything <paramref name="context"/>'s state records (VF, cgroup grants, moved netdev, next hop) and
    /// releases whatever the node reserved for the connection, even a reservation the state did not get to record.
    /// Failures are logged: the state is cleared afterwards either way, and the reconcile pass reclaims what is left.
    /// </summary>
    public async Task RollBackAsync(ConnectionState state, ChainContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(context);
        var connection = ConnectionToClose(state);
        try
        {
            await chain.Head.CloseAsync(connection, context);
        }
        catch (Exception ex)
        {
            LogUndoFailed(logger, context.ConnectionId, ex.Message);
        }

        try
        {
            await pool.ReleaseAsync(context.Node, context.ConnectionId);
        }
        catch (Exception ex)
        {
            LogUndoFailed(logger, context.ConnectionId, ex.Message);
        }
    }

    // The last answer when there is one, else the request that was running; its mechanism routes the Close to the branch
    // whose resources the state records (a first request often names only preferences).
    private static Connection ConnectionToClose(ConnectionState state)
    {
        var connection = state.LastConnection is { } answer
            ? Connection.Parser.ParseFrom(answer)
            : state.LastRequest is { } request ? NetworkServiceRequest.Parser.ParseFrom(request).Connection ?? new Connection() : new Connection();
        var type = state.ServerMechanism is { Length: > 0 } server ? Mechanism.Parser.ParseFrom(server).Type
            : state.Kernel is not null || state.Vf?.Driver == VfDriver.Kernel ? MechanismTypes.Kernel
            : state.Vfio is not null || state.Vf?.Driver == VfDriver.VfioPci ? MechanismTypes.Vfio
            : connection.Mechanism?.Type is { Length: > 0 } own ? own : MechanismTypes.Noop;
        if (connection.Mechanism?.Type != type)
        {
            connection.Mechanism = new Mechanism { Cls = MechanismTypes.Local, Type = type };
        }

        return connection;
    }

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Connection {ConnectionId}: undoing after a crash: {Reason}")]
    private static partial void LogUndoFailed(ILogger logger, string connectionId, string reason);
}
