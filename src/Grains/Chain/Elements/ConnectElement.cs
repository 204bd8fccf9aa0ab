using Google.Protobuf;
using Microsoft.Extensions.Logging;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Grains.Outbound;
using SriovForwarder.Kernel.Diagnostics;

namespace SriovForwarder.Grains.Chain.Elements;

/// <summary>
/// Upstream's connect with its embedded client chain (dial, mechanismtranslation, noop,
/// filtermechanisms): forwards the request to the next hop offering only NOOP (LOCAL for unix URLs,
/// REMOTE otherwise) and answers with the next hop's connection carrying our own mechanism. It is the
/// last element: everything before it has prepared the VF; on Close it closes the next hop.
/// </summary>
public sealed partial class ConnectElement(INextHopClient client, ILogger<ConnectElement> logger) : IChainElement
{
    /// <inheritdoc />
    public async Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context, IChainNext next)
    {
        var state = context.State;
        var url = context.ClientUrl ?? state.NextHopUrl
            ?? throw new ForwarderException(ForwarderErrorCode.Internal, "no next-hop URL was chosen for the connection");
        if (state.NextHopUrl is { } previous && previous != url)
        {
            await CloseQuietlyAsync(previous, request.Connection, context);
            state.NextHopMechanism = null;
        }

        var outgoing = request.Clone();
        outgoing.MechanismPreferences.Clear();
        outgoing.Connection.Mechanism = state.NextHopMechanism is { } bytes ? Mechanism.Parser.ParseFrom(bytes) : null;
        outgoing.MechanismPreferences.Add(new Mechanism { Cls = IsLocal(url) ? MechanismTypes.Local : MechanismTypes.Remote, Type = MechanismTypes.Noop });

        if (state.NextHopUrl != url)
        {
            // Recorded before the call: a process killed while the next hop holds the connection still closes it there.
            state.NextHopUrl = url;
            await context.CheckpointAsync();
            CrashPoint.Reach("connect.intent-written");
        }

        // The next hop gets what remains of the caller's deadline (upstream passes its context on), and is cancelled
        // with the caller's call; either surfaces here as a ForwarderException, so every element before undoes its work.
        var answer = await client.RequestAsync(url, outgoing, CallDeadline.Current, context.CancellationToken);
        CrashPoint.Reach("connect.answered");
        state.NextHopMechanism = answer.Mechanism?.ToByteArray();

        var result = answer.Clone();
        result.Mechanism = request.Connection.Mechanism?.Clone();
        try
        {
            return await next.RequestAsync(new NetworkServiceRequest { Connection = result }, context);
        }
        catch
        {
            await CloseQuietlyAsync(url, answer, context);
            state.NextHopUrl = null;
            state.NextHopMechanism = null;
            throw;
        }
    }

    /// <inheritdoc />
    public async Task CloseAsync(Connection connection, ChainContext context, IChainNext next)
    {
        var url = context.ClientUrl ?? context.State.NextHopUrl;
        Exception? failure = null;
        if (url is not null)
        {
            var outgoing = connection.Clone();
            outgoing.Mechanism = context.State.NextHopMechanism is { } bytes ? Mechanism.Parser.ParseFrom(bytes) : null;
            try
            {
                await client.CloseAsync(url, outgoing, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failure = ex;
            }
        }

        context.State.NextHopUrl = null;
        context.State.NextHopMechanism = null;
        await next.CloseAsync(connection, context);
        if (failure is not null)
        {
            var code = failure is ForwarderException fe ? fe.Code : ForwarderErrorCode.Unavailable;
            throw new ForwarderException(code, $"errors during client close: {failure.Message}", failure);
        }
    }

    /// <summary>Upstream's filtermechanisms: unix and inode URLs are on this node, so the next hop gets a LOCAL mechanism.</summary>
    public static bool IsLocal(string url) =>
        url.StartsWith("unix:", StringComparison.Ordinal) || url.StartsWith("inode:", StringComparison.Ordinal);

    // Closes use their own time (the configured call timeout), not the caller's token: the undo after a caller gave up
    // must still reach the next hop (upstream's postponed context).
    private async Task CloseQuietlyAsync(string url, Connection connection, ChainContext context)
    {
        var outgoing = connection.Clone();
        outgoing.Mechanism = context.State.NextHopMechanism is { } bytes ? Mechanism.Parser.ParseFrom(bytes) : null;
        try
        {
            await client.CloseAsync(url, outgoing, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogOldHopCloseFailed(logger, context.ConnectionId, url, ex.Message);
        }
    }

    [LoggerMessage(EventId = 3501, Level = LogLevel.Warning, Message = "Connection {ConnectionId}: closing the previous next hop at {Url} failed: {Reason}")]
    private static partial void LogOldHopCloseFailed(ILogger logger, string connectionId, string url, string reason);
}
