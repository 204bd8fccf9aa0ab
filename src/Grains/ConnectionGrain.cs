using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Placement;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Placement;
using SriovForwarder.Grains.Storage;

namespace SriovForwarder.Grains;

/// <summary>
/// One NSM connection through this forwarder: upstream's begin (one event at a time, being a
/// non-reentrant grain), metadata (the persisted <see cref="ConnectionState"/>) and timeout (a grain
/// timer that closes the connection when the caller's path token expires) around the forwarder chain.
/// </summary>
[NodeBoundPlacement]
[Immovable]
public sealed partial class ConnectionGrain(
    [PersistentState("connection", FileGrainStorageExtensions.NodeStorage)] IPersistentState<ConnectionState> state,
    ForwarderChain chain,
    ConnectionActivations activations,
    IDeviceCgroupGrants cgroups,
    TimeProvider time,
    ILogger<ConnectionGrain> logger) : Grain, IConnectionGrain
{
    // Orleans timers cannot wait longer than about 49 days; a longer expiry re-arms on the way.
    private static readonly TimeSpan MaxTimerDue = TimeSpan.FromDays(20);

    private IGrainTimer? _expiryTimer;

    private string Node => NodeKeys.NodeOf(this.GetPrimaryKeyString());

    private string Id => NodeKeys.NameOf(this.GetPrimaryKeyString());

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // After a restart the kernel-side reference counts and the timer are gone: restore both from the state.
        if (activations.IsFirst(this.GetPrimaryKeyString()) && state.State.Vfio is { Grants.Count: > 0 } vfio)
        {
            cgroups.Restore([.. vfio.Grants.Select(g => g.ToDeviceGrant())]);
        }

        ArmExpiry();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2016", Justification = "The token stops the chain only; what it did or undid is recorded even when the caller gave up.")]
    public async Task<Connection> RequestAsync(NetworkServiceRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (state.State.Established && request.Connection?.State == State.ReselectRequested)
        {
            LogReselect(logger, Id);
            await CloseEstablishedAsync();
        }

        var wasEstablished = state.State.Established;
        var context = new ChainContext(Node, Id, state.State, cancellationToken)
        {
            CallerNamespaceUrl = NamespaceUrlOf(request.Connection?.Mechanism)
                ?? request.MechanismPreferences.Select(NamespaceUrlOf).FirstOrDefault(u => u is not null),
        };
        Connection result;
        try
        {
            result = await chain.Head.RequestAsync(request.Clone(), context);
        }
        catch (Exception ex)
        {
            LogRequestFailed(logger, Id, ex.Message);
            if (wasEstablished)
            {
                await state.WriteStateAsync();
            }
            else if (state.RecordExists)
            {
                await state.ClearStateAsync();
            }
            else
            {
                state.State = new ConnectionState();
            }

            throw;
        }

        result.State = State.Up;
        state.State.Established = true;
        state.State.LastConnection = result.ToByteArray();
        state.State.Expires = CallerTokenExpiry(result);
        await state.WriteStateAsync();
        ArmExpiry();
        return result;
    }

    /// <inheritdoc />
    public async Task CloseAsync(Connection connection)
    {
        if (!state.State.Established)
        {
            return;
        }

        await CloseEstablishedAsync(NamespaceUrlOf(connection?.Mechanism));
    }

    /// <inheritdoc />
    public Task<Connection?> GetAsync() =>
        Task.FromResult(state.State is { Established: true, LastConnection: { } bytes } ? Connection.Parser.ParseFrom(bytes) : null);

    // Upstream's begin closes the remembered connection, not the one the Close call carries.
    private async Task CloseEstablishedAsync(string? callerNamespaceUrl = null)
    {
        var stored = Connection.Parser.ParseFrom(state.State.LastConnection ?? []);
        var context = new ChainContext(Node, Id, state.State) { CallerNamespaceUrl = callerNamespaceUrl };
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        try
        {
            await chain.Head.CloseAsync(stored, context);
        }
        finally
        {
            await state.ClearStateAsync();
        }
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
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Connection {ConnectionId}: request failed: {Reason}")]
    private static partial void LogRequestFailed(ILogger logger, string connectionId, string reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Connection {ConnectionId}: the caller's token expired at {Expires} without a refresh, closing")]
    private static partial void LogExpired(ILogger logger, string connectionId, DateTimeOffset expires);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Connection {ConnectionId}: closing after expiry failed: {Reason}")]
    private static partial void LogExpiryCloseFailed(ILogger logger, string connectionId, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Connection {ConnectionId}: reselect requested, closing the established connection first")]
    private static partial void LogReselect(ILogger logger, string connectionId);
}
