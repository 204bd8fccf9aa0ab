using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Netlink.Model;

namespace SriovForwarder.Grains.Chain.Elements.Kernel;

/// <summary>
/// Upstream's connectioncontextkernel server elements (6.3.4) in their post-action order: ping_group_range, source
/// addresses (then wait until usable), routes, policy rules, neighbours, MTU, all on the injected interface inside
/// the client namespace from the returned connection context. A failure closes the rest of the chain and fails;
/// Close deletes this connection's policy rules and their tables' routes. A refresh re-applies the context as a
/// difference against what the connection's record says was applied: addresses, routes and neighbours the new
/// context no longer lists are removed, unchanged policies keep their table, dropped ones are removed (upstream
/// leaves stale routes and neighbours behind).
/// </summary>
public sealed partial class IpContextElement(IRouteNetlinkFactory netlink, KernelNamespaces namespaces, TimeProvider time, ILogger<IpContextElement> logger)
    : IChainElement, IRefreshableElement
{
    /// <summary>How long added addresses may stay tentative (upstream's listener gives up after about a second).</summary>
    public static readonly TimeSpan UsableTimeout = TimeSpan.FromSeconds(3);

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
            using var inside = netlink.OpenIn(namespaces.Get(context.ConnectionId, record, context.CallerNamespaceUrl));
            RemovePolicies(inside, record.PolicyTables);
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
        var plan = IpContextPlan.From(result.Context);
        var client = namespaces.Get(context.ConnectionId, record, context.CallerNamespaceUrl);
        using var inside = netlink.OpenIn(client);
        await ApplyAsync(plan, client, inside, record, context.CancellationToken);
    }

    private async Task ApplyAsync(IpContextPlan plan, NetworkNamespace client, IRouteNetlink inside, KernelInterfaceRecord record, CancellationToken cancellationToken)
    {
        var name = record.InterfaceName;
        NamespaceSysctl.Write(client, "net/ipv4/ping_group_range", "0 2147483647");
        if (plan.Addresses.Count > 0)
        {
            inside.SetUp(name);
            if (plan.Addresses.Any(a => a.Family == AddressFamily.InterNetworkV6))
            {
                NamespaceSysctl.Write(client, $"net/ipv6/conf/{name}/disable_ipv6", "0");
            }

            var current = inside.ListAddresses(name).Where(a => a.Scope == RouteScope.Universe).Select(a => a.Prefix).ToList();
            foreach (var stale in current.Where(c => !plan.Addresses.Contains(c)))
            {
                inside.DeleteAddress(name, stale);
            }

            var added = plan.Addresses.Where(a => !current.Contains(a)).ToList();
            foreach (var address in added)
            {
                inside.AddAddress(name, address, address.Family == AddressFamily.InterNetworkV6 ? AddressFlags.Permanent | AddressFlags.NoDad : AddressFlags.Permanent);
            }

            await inside.WaitUntilUsableAsync(name, added, UsableTimeout, time, cancellationToken);
        }

        if (plan.Routes.Count > 0)
        {
            inside.SetUp(name);
            foreach (var route in plan.Routes)
            {
                inside.AddRoute(name, route);
            }
        }

        RemoveDroppedRoutes(inside, name, plan, record);
        ApplyPolicies(inside, name, plan, record);
        RemoveDroppedNeighbours(inside, name, plan, record);
        foreach (var (address, mac) in plan.Neighbours)
        {
            inside.SetNeighbour(name, address, mac);
        }

        record.NeighbourAddresses = [.. plan.Neighbours.Select(n => n.Address.ToString())];

        if (plan.Mtu > 0)
        {
            inside.SetUp(name);
            inside.SetMtu(name, plan.Mtu);
        }
    }

    private static void RemoveDroppedRoutes(IRouteNetlink inside, string name, IpContextPlan plan, KernelInterfaceRecord record)
    {
        var wanted = plan.Routes.Select(r => r.Destination.Network.ToString()).ToHashSet(StringComparer.Ordinal);
        var dropped = record.RouteDestinations.Where(d => !wanted.Contains(d)).ToHashSet(StringComparer.Ordinal);
        if (dropped.Count > 0)
        {
            var index = inside.GetLink(name).Index;
            foreach (var family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 })
            {
                foreach (var route in inside.ListRoutes(family, Route.MainTable)
                    .Where(r => r.InterfaceIndex == index && dropped.Contains(r.Destination.Network.ToString())))
                {
                    inside.DeleteRoute(route);
                }
            }
        }

        record.RouteDestinations = [.. wanted];
    }

    private static void RemoveDroppedNeighbours(IRouteNetlink inside, string name, IpContextPlan plan, KernelInterfaceRecord record)
    {
        var wanted = plan.Neighbours.Select(n => n.Address.ToString()).ToHashSet(StringComparer.Ordinal);
        var dropped = record.NeighbourAddresses.Where(a => !wanted.Contains(a)).ToList();
        if (dropped.Count == 0)
        {
            return;
        }

        var present = inside.ListNeighbours(name).Select(n => n.Address.ToString()).ToHashSet(StringComparer.Ordinal);
        foreach (var address in dropped.Where(present.Contains))
        {
            inside.DeleteNeighbour(name, System.Net.IPAddress.Parse(address));
        }
    }

    // A policy whose rule and routes are unchanged keeps its table; the others are added afresh and dropped ones go.
    private static void ApplyPolicies(IRouteNetlink inside, string name, IpContextPlan plan, KernelInterfaceRecord record)
    {
        var kept = new HashSet<int>();
        var toAdd = new List<(IpContextPlan.Policy Policy, string Key)>();
        foreach (var policy in plan.Policies)
        {
            var key = PolicyKey(policy);
            var match = record.PolicyKeys.FirstOrDefault(p => p.Value == key && !kept.Contains(p.Key));
            if (match.Value is not null)
            {
                kept.Add(match.Key);
            }
            else
            {
                toAdd.Add((policy, key));
            }
        }

        var dropped = record.PolicyTables.Where(t => !kept.Contains(t)).ToList();
        if (dropped.Count > 0)
        {
            RemovePolicies(inside, dropped);
            record.PolicyTables.RemoveAll(dropped.Contains);
            dropped.ForEach(t => record.PolicyKeys.Remove(t));
        }

        foreach (var (policy, key) in toAdd)
        {
            var table = FreeTable(inside, record.PolicyTables);
            record.PolicyTables.Add(table);
            record.PolicyKeys[table] = key;
            foreach (var route in policy.Routes)
            {
                inside.AddRoute(name, route with { Table = table });
            }

            inside.AddRule(policy.Rule with { Table = table });
        }
    }

    private static string PolicyKey(IpContextPlan.Policy policy) =>
        $"{policy.Rule} | {string.Join(" ; ", policy.Routes.Select(r => r.ToString()))}";

    // Upstream: the smallest table id >= 1 used by no route and no rule in the namespace (nor by this connection).
    private static int FreeTable(IRouteNetlink inside, List<int> taken)
    {
        var used = new HashSet<int>(taken);
        foreach (var family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 })
        {
            used.UnionWith(inside.ListRoutes(family).Select(r => r.Table));
            used.UnionWith(inside.ListRules(family).Select(r => r.Table));
        }

        var id = 1;
        while (used.Contains(id))
        {
            id++;
        }

        return id;
    }

    private static void RemovePolicies(IRouteNetlink inside, List<int> tables)
    {
        foreach (var family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 })
        {
            foreach (var rule in inside.ListRules(family).Where(r => tables.Contains(r.Table)))
            {
                inside.DeleteRule(rule);
            }

            foreach (var table in tables)
            {
                foreach (var route in inside.ListRoutes(family, table))
                {
                    inside.DeleteRoute(route);
                }
            }
        }
    }

    [LoggerMessage(EventId = 3421, Level = LogLevel.Warning, Message = "Connection {ConnectionId}: cannot remove policy rules in {Namespace}: {Reason}")]
    private static partial void LogPolicyCleanupFailed(ILogger logger, string connectionId, string @namespace, string reason);
}
