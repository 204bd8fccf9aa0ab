using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Placement;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Grains.Placement;
using SriovForwarder.Grains.Storage;
using SriovForwarder.Grains.Telemetry;
using SriovForwarder.Kernel.Diagnostics;

namespace SriovForwarder.Grains;

/// <summary>
/// One NSM connection through this forwarder: upstream's begin (one event at a time, being a
/// non-reentrant grain), metadata (the persisted <see cref="ConnectionState"/>) and timeout (a grain
/// timer that closes the connection when the caller's path token expires) around the forwarder chain.
/// Its state is written before the chain acts and at each element's checkpoint (decision 007), so a crash
/// at any instant leaves a record the restarted process settles in <see cref="ReconcileAsync"/>.
/// </summary>
[NodeBoundPlacement]
[Immovable]
public sealed partial class ConnectionGrain(
    [PersistentState("connection", FileGrainStorageExtensions.NodeJournalStorage)] IPersistentState<ConnectionState> state,
    ForwarderChain chain,
    ConnectionActivations activations,
    ConnectionUndo undo,
    ClientPresence presence,
    Node.AllocationTimings timings,
    TimeProvider time,
    ILogger<ConnectionGrain> logger) : Grain, IConnectionGrain
{
    // Orleans timers cannot wait longer than about 49 days; a longer expiry re-arms on the way.
    private static readonly TimeSpan MaxTimerDue = TimeSpan.FromDays(20);

    private IGrainTimer? _expiryTimer;
    private bool _settled;

    private string Node => NodeKeys.NodeOf(this.GetPrimaryKeyString());

    private string Id => NodeKeys.NameOf(this.GetPrimaryKeyString());

    // Nothing recorded: closed, or never established.
    private bool IsEmpty => !state.State.Established && state.State.Intent == ConnectionIntent.None;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ArmExpiry();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (IsEmpty)
        {
            activations.Forget(this.GetPrimaryKeyString());
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2016", Justification = "The token stops the chain only; what it did or undid is recorded even when the caller gave up.")]
    public async Task<Connection> RequestAsync(NetworkServiceRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await SettleAsync();
        if (state.State.Established && request.Connection?.State == State.ReselectRequested)
        {
            LogReselect(logger, Id);
            await CloseEstablishedAsync();
        }

        var wasEstablished = state.State.Established;
        if (!wasEstablished)
        {
            // The intent comes first: whatever the chain then reserves, grants or moves has an owner on disk.
            state.State.Intent = ConnectionIntent.Request;
            state.State.LastRequest = request.ToByteArray();
            await WriteStateAsync();
            CrashPoint.Reach("connection.request.intent-written");
        }

        var context = NewContext(NamespaceUrlOf(request.Connection?.Mechanism)
            ?? request.MechanismPreferences.Select(NamespaceUrlOf).FirstOrDefault(u => u is not null), cancellationToken: cancellationToken);
        Connection result;
        var started = time.GetTimestamp();
        try
        {
            result = await chain.Head.RequestAsync(request.Clone(), context);
        }
        catch (Exception ex)
        {
            LogRequestFailed(logger, Id, ex.Message);
            if (wasEstablished)
            {
                await WriteStateAsync();
            }
            else
            {
                await ClearStateAsync();
                DeactivateWhenEmpty();
            }

            throw;
        }

        result.State = State.Up;
        state.State.Established = true;
        state.State.Intent = ConnectionIntent.None;
        state.State.LastConnection = result.ToByteArray();
        state.State.Expires = CallerTokenExpiry(result);
        await WriteStateAsync();
        CrashPoint.Reach("connection.request.established");
        timings.Requested(time.GetElapsedTime(started));
        ArmExpiry();
        return result;
    }

    /// <inheritdoc />
    public async Task CloseAsync(Connection connection)
    {
        try
        {
            await SettleAsync();
            if (state.State.Established)
            {
                await CloseEstablishedAsync(NamespaceUrlOf(connection?.Mechanism));
            }
        }
        finally
        {
            DeactivateWhenEmpty();
        }
    }

    /// <inheritdoc />
    public async Task<Connection?> GetAsync()
    {
        await SettleAsync();
        return state.State is { Established: true, LastConnection: { } bytes } ? Connection.Parser.ParseFrom(bytes) : null;
    }

    /// <inheritdoc />
    public async Task<ConnectionCheck> ReconcileAsync()
    {
        if (await SettleAsync())
        {
            DeactivateWhenEmpty();
            return new ConnectionCheck(Id, ConnectionCheckOutcome.RolledBack, null, "a crash cut a Request or Close short");
        }

        if (!state.State.Established)
        {
            DeactivateWhenEmpty();
            return new ConnectionCheck(Id, ConnectionCheckOutcome.Absent, null, null);
        }

        if (presence.WhyGone(state.State) is { } reason)
        {
            LogClientGone(logger, Id, reason);
            await CloseEstablishedAsync();
            DeactivateWhenEmpty();
            return new ConnectionCheck(Id, ConnectionCheckOutcome.ClientGone, null, reason);
        }

        var vf = state.State.Vf is { } held ? new HeldVf(Id, held.TokenId, held.VfAddress, held.Driver) : null;
        return new ConnectionCheck(Id, ConnectionCheckOutcome.Live, vf, null);
    }

    /// <inheritdoc />
    public async Task VfHealthChangedAsync(string vfAddress, string? fault)
    {
        await SettleAsync();
        if (!state.State.Established || state.State.Vf?.VfAddress != vfAddress)
        {
            return;
        }

        LogVfHealthChanged(logger, Id, vfAddress, fault ?? "healthy again");
        undo.Publish(state.State, Node, Id, fault is null ? State.Up : State.Down);
    }

    // Once per activation: gives the kernel-side reference counts back what the state records (once per process), then
    // finishes a first Request or Close that a crash cut short, or tells the monitor an established connection is back.
    // Returns true when it undid something.
    private async Task<bool> SettleAsync()
    {
        if (_settled)
        {
            return false;
        }

        _settled = true;
        if (activations.IsFirst(this.GetPrimaryKeyString()))
        {
            undo.RestoreGrants(state.State);
        }

        if (state.State.Intent == ConnectionIntent.None)
        {
            if (state.State.Established)
            {
                undo.Republish(state.State, Node, Id);
            }

            return false;
        }

        LogRollingBack(logger, Id, state.State.Intent.ToString());
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        await undo.RollBackAsync(state.State, NewContext(null, rollingBack: true));
        await ClearStateAsync();
        return true;
    }

    // Upstream's begin closes the remembered connection, not the one the Close call carries.
    private async Task CloseEstablishedAsync(string? callerNamespaceUrl = null)
    {
        var stored = Connection.Parser.ParseFrom(state.State.LastConnection ?? []);
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        state.State.Intent = ConnectionIntent.Close;
        await WriteStateAsync();
        CrashPoint.Reach("connection.close.intent-written");
        try
        {
            await chain.Head.CloseAsync(stored, NewContext(callerNamespaceUrl));
        }
        finally
        {
            await ClearStateAsync();
        }
    }

    private ChainContext NewContext(string? callerNamespaceUrl, bool rollingBack = false, CancellationToken cancellationToken = default) =>
        new ChainContext(Node, Id, state.State, cancellationToken) { CallerNamespaceUrl = callerNamespaceUrl, RollingBack = rollingBack }
            .WithCheckpoint(WriteStateAsync);

    // Each write is a span of its own, so a trace shows what persisting the connection costs (bench/README.md, issue 14).
    private async Task WriteStateAsync()
    {
        using var span = ForwarderActivitySource.Source.StartActivity("ConnectionState write");
        await state.WriteStateAsync();
    }

    private async Task ClearStateAsync()
    {
        using var span = ForwarderActivitySource.Source.StartActivity("ConnectionState clear");
        await state.ClearStateAsync();
    }

    private static string? NamespaceUrlOf(Mechanism? mechanism) =>
        mechanism?.Parameters.TryGetValue("inodeURL", out var url) == true && !string.IsNullOrEmpty(url) ? url : null;

    private static DateTimeOffset? CallerTokenExpiry(Connection connection)
    {
        var path = connection.Path;
        return path is not null && path.Index < path.PathSegments.Count && path.PathSegments[(int)path.Index].Expires is { } expires
            ? expires.ToDateTimeOffset()
            : null;
    }

    private void ArmExpiry()
    {
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        if (state.State is not { Established: true, Expires: { } expires })
        {
            return;
        }

        var due = expires - time.GetUtcNow();
        due = due < TimeSpan.Zero ? TimeSpan.Zero : due > MaxTimerDue ? MaxTimerDue : due;
        _expiryTimer = this.RegisterGrainTimer(OnExpiryTimerAsync, new GrainTimerCreationOptions
        {
            DueTime = due,
            Period = Timeout.InfiniteTimeSpan,
            KeepAlive = true,
        });
    }

    private async Task OnExpiryTimerAsync(CancellationToken cancellationToken)
    {
        await SettleAsync();
        if (state.State is not { Established: true, Expires: { } expires })
        {
            return;
        }

        if (time.GetUtcNow() < expires)
        {
            ArmExpiry();
            return;
        }

        LogExpired(logger, Id, expires);
        try
        {
            await CloseEstablishedAsync();
        }
        catch (Exception ex)
        {
            LogExpiryCloseFailed(logger, Id, ex.Message);
        }

        DeactivateWhenEmpty();
    }

    // A closed (or never established) connection keeps nothing worth an activation: its state is cleared and no timer
    // runs. Left to idle collection, every Request+Close ever served kept one for 15 minutes (issue 14). Only at the end
    // of a call: a reselect closes and requests again in one turn, and the new connection's expiry timer lives here.
    private void DeactivateWhenEmpty()
    {
        if (IsEmpty)
        {
            DeactivateOnIdle();
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Connection {ConnectionId}: request failed: {Reason}")]
    private static partial void LogRequestFailed(ILogger logger, string connectionId, string reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Connection {ConnectionId}: the caller's token expired at {Expires} without a refresh, closing")]
    private static partial void LogExpired(ILogger logger, string connectionId, DateTimeOffset expires);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Connection {ConnectionId}: closing after expiry failed: {Reason}")]
    private static partial void LogExpiryCloseFailed(ILogger logger, string connectionId, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Connection {ConnectionId}: reselect requested, closing the established connection first")]
    private static partial void LogReselect(ILogger logger, string connectionId);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Connection {ConnectionId}: a {Intent} was cut short by a crash; undoing what it recorded")]
    private static partial void LogRollingBack(ILogger logger, string connectionId, string intent);

    [LoggerMessage(EventId = 8110, Level = LogLevel.Warning, Message = "Connection {ConnectionId}: its VF {VfAddress} changed health ({Fault}); telling MonitorConnections subscribers")]
    private static partial void LogVfHealthChanged(ILogger logger, string connectionId, string vfAddress, string fault);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Connection {ConnectionId}: its client is gone ({Reason}); closing it now instead of at expiry")]
    private static partial void LogClientGone(ILogger logger, string connectionId, string reason);
}
