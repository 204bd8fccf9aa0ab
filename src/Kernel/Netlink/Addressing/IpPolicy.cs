using SriovForwarder.Kernel.Netlink.Model;

namespace SriovForwarder.Kernel.Netlink.Addressing;

/// <summary>One policy: its rule and the routes of its table, both without a table id (one is chosen when applied).</summary>
public sealed record IpPolicy(PolicyRule Rule, IReadOnlyList<Route> Routes);
