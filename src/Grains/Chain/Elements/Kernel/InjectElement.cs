using Microsoft.Extensions.Logging;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Kernel.Diagnostics;
using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Netlink.Model;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Grains.Chain.Elements.Kernel;

/// <summary>
/// Upstream's inject server element (6.3.2): before the next hop, moves the VF netdev into the client's network
/// namespace, renames it to the mechanism's <c>name</c>, sets the MTU and brings it up; moves it back when anything
/// after it fails. Close moves it back to the host namespace under its original name and, unlike upstream (bug #17),
/// continues closing the rest of the chain when that fails. What it did is recorded in the connection state.
/// </summary>
public sealed partial class InjectElement(IRouteNetlinkFactory netlink, INetworkNamespaces netns, KernelNamespaces namespaces, ILogger<InjectElement> logger)
    : IChainElement
{
    private readonly Lazy<INetworkNamespace> _host = new(netns.OpenHost);

    /// <inheritdoc />
    public async Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context, IChainNext next)
    {
        if (context.State.Kernel is not null)
        {
            return await next.RequestAsync(request, context);
        }

        var vf = context.State.Vf
            ?? throw new ForwarderException(ForwarderErrorCode.Internal, "inject runs without a reserved VF: resourcepool must come first");
        var original = vf.VfInterfaceName
            ?? throw new ForwarderException(ForwarderErrorCode.FailedPrecondition, $"VF {vf.VfAddress} has no netdev to move into the client namespace");
        var parameters = KernelParameters.Read(request.Connection.Mechanism);
        var mtu = (int)(request.Connection.Context?.MTU ?? 0);

        var client = parameters.OpenNamespace(netns);
        var record = new KernelInterfaceRecord
        {
            NamespaceUrl = parameters.NamespaceUrl,
            NamespaceInode = client.Inode,
            InterfaceName = parameters.Name,
            OriginalName = original,
        };
        // Recorded before the move: a process killed while the netdev is in the client namespace leaves the way back.
        context.State.Kernel = record;
        IRouteNetlink? inside = null;
        try
        {
            await context.CheckpointAsync();
            CrashPoint.Reach("inject.intent-written");
            inside = netlink.OpenIn(client);
            MoveIn(client, inside, record, mtu);
        }
        catch
        {
            context.State.Kernel = null;
            inside?.Dispose();
            client.Dispose();
            throw;
        }

        CrashPoint.Reach("inject.moved");
        // The socket inside the client namespace stays open for the connection: the IP and ethernet context and the
        // Close use it rather than each entering the namespace again (decision 042).
        namespaces.Keep(context.ConnectionId, client, inside);
        try
        {
            return await next.RequestAsync(request, context);
        }
        catch (Exception ex)
        {
            TryMoveBack(context, record, ex.Message);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task CloseAsync(Connection connection, ChainContext context, IChainNext next)
    {
        if (context.State.Kernel is not { } record)
        {
            await next.CloseAsync(connection, context);
            return;
        }

        try
        {
            MoveBack(context, record);
            CrashPoint.Reach("inject.moved-back");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Bug #17: upstream returned here and left the next hop open; the rest of the chain is closed regardless.
            LogMoveBackFailed(logger, context.ConnectionId, record.InterfaceName, record.NamespaceUrl, record.OriginalName, ex.Message);
        }

        try
        {
            await next.CloseAsync(connection, context);
        }
        finally
        {
            context.State.Kernel = null;
            namespaces.Release(context.ConnectionId);
        }
    }

    private void MoveIn(INetworkNamespace client, IRouteNetlink inside, KernelInterfaceRecord record, int mtu)
    {
        var (name, original) = (record.InterfaceName, record.OriginalName);
        // The host side runs on the process's kept host connections, one lent to this call at a time (decision 051).
        Step($"look up {name} in the client namespace {record.NamespaceUrl}", () =>
        {
            if (inside.FindLink(name) is { } existing)
            {
                namespaces.Host.Use(host => HandleExisting(host, inside, existing, record));
            }
        });

        // No look-up of the VF in the host first (decision 049): the move names it, and the kernel's ENODEV says it is not there.
        Step($"move {original} into the client namespace {record.NamespaceUrl}", () =>
        {
            try
            {
                namespaces.Host.Use(host => host.MoveToNamespace(original, client));
            }
            catch (NetlinkException ex) when (ex.IsLinkNotFound)
            {
                throw new ForwarderException(ForwarderErrorCode.FailedPrecondition,
                    $"VF netdev {original} is not in the host namespace; cannot move it into {record.NamespaceUrl}", ex);
            }
        });
        try
        {
            Step($"set {original} down in {record.NamespaceUrl}", () => inside.SetDown(original));
            Step($"rename {original} to {name} in {record.NamespaceUrl}", () => inside.Rename(original, name));
            if (mtu > 0)
            {
                Step($"set MTU {mtu} on {name} in {record.NamespaceUrl}", () => inside.SetMtu(name, mtu));
            }

            Step($"set {name} up in {record.NamespaceUrl}", () => inside.SetUp(name));
        }
        catch (Exception ex)
        {
            try
            {
                MoveOut(inside, record);
            }
            catch (Exception back) when (back is NetlinkException or InvalidOperationException)
            {
                LogMoveBackFailed(logger, "(request)", name, record.NamespaceUrl, original, back.Message + " after: " + ex.Message);
            }

            throw;
        }
    }

    // Upstream: a same-named interface while our VF is still in the host namespace is the orphan of a failed earlier
    // attempt. We only treat a hardware netdev (no link kind) that way; a virtual one is the client's own: refuse.
    private void HandleExisting(IRouteNetlink host, IRouteNetlink inside, LinkInfo existing, KernelInterfaceRecord record)
    {
        if (existing.Kind is { } kind)
        {
            throw ForwarderException.Invalid(
                $"KERNEL mechanism parameter name: interface {record.InterfaceName} already exists in the client namespace {record.NamespaceUrl} (a {kind} link, ifindex {existing.Index})");
        }

        if (host.FindLink(record.OriginalName) is null)
        {
            return;
        }

        var temporary = $"tmp-{existing.Index}-{record.NamespaceInode}";
        temporary = temporary[..Math.Min(temporary.Length, InterfaceName.MaxLength)];
        try
        {
            inside.SetDown(existing.Name);
            inside.Rename(existing.Name, temporary);
            inside.MoveToNamespace(temporary, _host.Value);
            host.DeleteLink(temporary);
        }
        catch (NetlinkException ex)
        {
            LogOrphan(logger, existing.Name, record.NamespaceUrl, ex.Message);
        }
    }

    private void TryMoveBack(ChainContext context, KernelInterfaceRecord record, string cause)
    {
        try
        {
            MoveBack(context, record);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogMoveBackFailed(logger, context.ConnectionId, record.InterfaceName, record.NamespaceUrl, record.OriginalName, ex.Message + " after: " + cause);
        }
        finally
        {
            context.State.Kernel = null;
            namespaces.Release(context.ConnectionId);
        }
    }

    private void MoveBack(ChainContext context, KernelInterfaceRecord record)
    {
        // While this process holds the socket inject opened inside when it moved the interface in, no move back was tried
        // since (trying releases it), so the interface is in there, not in the host: no host look-up (decision 051). Without
        // it (after a restart, or a Close repeated) the host is asked first, so that a same-named link another connection
        // injected into the namespace since is never taken for ours.
        if (!namespaces.HoldsNetlinkIn(context.ConnectionId)
            && namespaces.Host.Use(host => host.FindLink(record.OriginalName)) is not null)
        {
            return;
        }

        MoveOut(namespaces.NetlinkIn(context.ConnectionId, record, context.CallerNamespaceUrl), record);
    }

    private void MoveOut(IRouteNetlink inside, KernelInterfaceRecord record)
    {
        var (name, original) = (record.InterfaceName, record.OriginalName);
        var current = inside.FindLink(name) is not null ? name : inside.FindLink(original) is not null ? original : null;
        if (current is null)
        {
            // Upstream's tolerance for "Link not found": the netdev is gone from there (e.g. its namespace died).
            LogLinkGone(logger, name, record.NamespaceUrl);
            return;
        }

        inside.SetDown(current);
        if (current != original)
        {
            inside.Rename(current, original);
        }

        inside.MoveToNamespace(original, _host.Value);
    }

    private static void Step(string what, Action action)
    {
        try
        {
            action();
        }
        catch (NetlinkException ex)
        {
            var code = ex.Errno is Errno.EExist or 22 or 34 ? ForwarderErrorCode.InvalidArgument : ForwarderErrorCode.FailedPrecondition;
            throw new ForwarderException(code, $"failed to {what}: {ex.Message}", ex);
        }
    }

    [LoggerMessage(EventId = 3411, Level = LogLevel.Warning,
        Message = "Connection {ConnectionId}: cannot move {Name} back from {Namespace} to the host as {Original}: {Reason}")]
    private static partial void LogMoveBackFailed(ILogger logger, string connectionId, string name, string @namespace, string original, string reason);

    [LoggerMessage(EventId = 3412, Level = LogLevel.Warning, Message = "Cannot remove orphan interface {Name} from {Namespace}: {Reason}")]
    private static partial void LogOrphan(ILogger logger, string name, string @namespace, string reason);

    [LoggerMessage(EventId = 3413, Level = LogLevel.Warning, Message = "Interface {Name} is no longer in {Namespace}; nothing to move back")]
    private static partial void LogLinkGone(ILogger logger, string name, string @namespace);
}
