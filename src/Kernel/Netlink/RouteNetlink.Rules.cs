using System.Net.Sockets;
using SriovForwarder.Kernel.Netlink.Model;
using static SriovForwarder.Kernel.Netlink.NetlinkConstants;

namespace SriovForwarder.Kernel.Netlink;

/// <summary>Routing policy rule operations.</summary>
public sealed partial class RouteNetlink
{
    /// <summary>Adds a policy rule (fails with EEXIST when an identical one exists).</summary>
    public void AddRule(PolicyRule rule)
    {
        Check(rule);
        lock (_gate)
        {
            RtnlRequests.Rule(_writer, Next(), add: true, rule);
            Execute(new NetlinkOperation(RtmNewRule, "add rule", Describe(rule)));
        }
    }

    /// <summary>Deletes the first rule matching every field that is set.</summary>
    /// <exception cref="NetlinkException">ENOENT when no rule matches.</exception>
    public void DeleteRule(PolicyRule rule)
    {
        Check(rule);
        lock (_gate)
        {
            RtnlRequests.Rule(_writer, Next(), add: false, rule);
            Execute(new NetlinkOperation(RtmDelRule, "delete rule", Describe(rule)));
        }
    }

    /// <summary>Lists the rules of a family, including the kernel's default ones.</summary>
    public IReadOnlyList<PolicyRule> ListRules(AddressFamily family)
    {
        var rules = new List<PolicyRule>();
        lock (_gate)
        {
            RtnlRequests.DumpRules(_writer, Next(), family);
            Execute(new NetlinkOperation(RtmGetRule, "list", "rules"), (type, payload) =>
            {
                if (type == RtmNewRule)
                {
                    rules.Add(RtnlReplies.Rule(payload));
                }
            });
        }

        return rules;
    }

    private static void Check(PolicyRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException($"rule family must be IPv4 or IPv6, not {rule.Family}", nameof(rule));
        }

        foreach (var prefix in new[] { rule.Source, rule.Destination })
        {
            if (prefix is { } p && p.Family != rule.Family)
            {
                throw new ArgumentException($"rule prefix {p} does not match the rule family {rule.Family}", nameof(rule));
            }
        }

        if (rule.Table <= 0)
        {
            throw new ArgumentException($"rule table must be positive, not {rule.Table}", nameof(rule));
        }
    }

    private static string Describe(PolicyRule rule)
    {
        var text = $"from {rule.Source?.ToString() ?? "all"}";
        if (rule.Destination is { } destination)
        {
            text += $" to {destination}";
        }

        if (rule.IpProtocol is { } protocol)
        {
            text += $" ipproto {protocol}";
        }

        if (rule.SourcePorts is { } sport)
        {
            text += $" sport {sport}";
        }

        if (rule.DestinationPorts is { } dport)
        {
            text += $" dport {dport}";
        }

        return $"{text} lookup {rule.Table}";
    }
}
