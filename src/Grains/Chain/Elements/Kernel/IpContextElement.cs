using Microsoft.Extensions.Logging;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Netlink.Addressing;

namespace SriovForwarder.Grains.Chain.Elements.Kernel;

/// <summary>
/// Upstream's connectioncontextkernel server elements (6.3.4): after the next hop answered, applies the returned
/// connection context (<see cref="IpContextPlan"/>) to the injected interface inside the client namespace through
/// <see cref="IpConfigurationApplier"/>, in upstream's post-action order. A failure closes the rest of the chain and
/// fails; Close deletes this connection's policy rules and their tables' routes. A refresh re-applies the context as a
/// difference against what the connection's record says was applied (upstream leaves stale routes and neighbours behind).
/// </summary>
public sealed partial class IpContextElement(
    INetworkNamespaces netns, KernelNamespaces namespaces, TimeProvider time, ILogger<IpContextElement> logger)
    : IChainElement, IRefreshableElement
{
    private readonly IpConfigurationApplier _applier = new(netns, time);

    /// <inheritdoc />
    public async Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context, IChainNext next)
    {
        var result = await next.RequestAsync(request, context);
        if (context.State.Kernel is not { } record || !Applies(result.Mechanism ?? request.Connection.Mechanism))
        {
            return result;
        }

        try
        {
            await ApplyAsync(result, context, record);
        }
        catch (Exception ex)
        {
            // Also when the caller gave up while addresses were settling: the next hop is closed, then the VF goes back.
            RemovePoliciesQuietly(context, record);
            await KernelCloseOnFailure.CloseAsync(next, result, context, ex, logger);
            if (ex is ForwarderException or OperationCanceledException)
            {
                throw;
            }

            throw new ForwarderException(ForwarderErrorCode.FailedPrecondition,
                $"failed to configure {record.InterfaceName} in the client namespace {record.NamespaceUrl}: {ex.Message}", ex);
        }

        return result;
    }

    /// <inheritdoc />
    public async Task RefreshAsync(Connection result, ChainContext context)
    {
        if (context.State.Kernel is not { } record || !Applies(result.Mechanism))
        {
            return;
        }

        try
        {
            await ApplyAsync(result, context, record);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not ForwarderException)
        {
            throw new ForwarderException(ForwarderErrorCode.FailedPrecondition,
                $"failed to re-apply the refreshed IP context to {record.InterfaceName} in the client namespace {record.NamespaceUrl}: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public async Task CloseAsync(Connection connection, ChainContext context, IChainNext next)
    {
        if (context.State.Kernel is { } record)
        {
            RemovePoliciesQuietly(context, record);
        }

        await next.CloseAsync(connection, context);
    }

    private void RemovePoliciesQuietly(ChainContext context, KernelInterfaceRecord record)
    {
        if (record.PolicyTables.Count == 0)
        {
            return;
        }

        try
        {
            IpPolicyTables.Remove(namespaces.NetlinkIn(context.ConnectionId, record, context.CallerNamespaceUrl), record.PolicyTables);
        }
        catch (Exception ex) when (ex is NetlinkException or NetworkNamespaceException or IOException)
        {
            LogPolicyCleanupFailed(logger, context.ConnectionId, record.NamespaceUrl, ex.Message);
        }

        record.PolicyTables.Clear();
        record.PolicyKeys.Clear();
    }

    // Upstream skips all of this when the mechanism carries a non-zero vlan parameter.
    private static bool Applies(Mechanism? mechanism) =>
        mechanism?.Type == MechanismTypes.Kernel
        && (!mechanism.Parameters.TryGetValue("vlan", out var vlan) || vlan is "" or "0");

    private async Task ApplyAsync(Connection result, ChainContext context, KernelInterfaceRecord record)
    {
        var wanted = IpContextPlan.From(result.Context);
        var client = namespaces.Get(context.ConnectionId, record, context.CallerNamespaceUrl);
        var inside = namespaces.NetlinkIn(context.ConnectionId, record, context.CallerNamespaceUrl);
        await _applier.ApplyAsync(wanted, client, inside, record.InterfaceName, record, context.CancellationToken);
    }

    [LoggerMessage(EventId = 3421, Level = LogLevel.Warning, Message = "Connection {ConnectionId}: cannot remove policy rules in {Namespace}: {Reason}")]
    private static partial void LogPolicyCleanupFailed(ILogger logger, string connectionId, string @namespace, string reason);
}
