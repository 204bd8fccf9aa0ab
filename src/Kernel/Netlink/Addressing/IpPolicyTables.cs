using System.Net.Sockets;
using SriovForwarder.Kernel.Netlink.Model;

namespace SriovForwarder.Kernel.Netlink.Addressing;

/// <summary>Policy rules with a routing table each: chosen free, kept while unchanged, removed with their routes.</summary>
public static class IpPolicyTables
{
    /// <summary>Keeps the tables of unchanged policies, removes dropped ones and adds new ones in free tables.</summary>
    public static void Apply(IRouteNetlink inside, string name, IReadOnlyList<IpPolicy> policies, IAppliedIpConfiguration applied)
    {
        ArgumentNullException.ThrowIfNull(inside);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(applied);
        var kept = new HashSet<int>();
        var toAdd = new List<(IpPolicy Policy, string Key)>();
        foreach (var policy in policies)
        {
            var key = KeyOf(policy);
            var match = applied.PolicyKeys.FirstOrDefault(p => p.Value == key && !kept.Contains(p.Key));
            if (match.Value is not null)
            {
                kept.Add(match.Key);
            }
            else
            {
                toAdd.Add((policy, key));
            }
        }

        var dropped = applied.PolicyTables.Where(t => !kept.Contains(t)).ToList();
        if (dropped.Count > 0)
        {
            Remove(inside, dropped);
            applied.PolicyTables.RemoveAll(dropped.Contains);
            dropped.ForEach(t => applied.PolicyKeys.Remove(t));
        }

        foreach (var (policy, key) in toAdd)
        {
            var table = FreeTable(inside, applied.PolicyTables);
            applied.PolicyTables.Add(table);
            applied.PolicyKeys[table] = key;
            foreach (var route in policy.Routes)
            {
                inside.AddRoute(name, route with { Table = table });
            }

            inside.AddRule(policy.Rule with { Table = table });
        }
    }

    /// <summary>Deletes the rules pointing at <paramref name="tables"/> and the routes in them.</summary>
    public static void Remove(IRouteNetlink inside, IReadOnlyCollection<int> tables)
    {
        ArgumentNullException.ThrowIfNull(inside);
        ArgumentNullException.ThrowIfNull(tables);
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

    private static string KeyOf(IpPolicy policy) =>
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
}
