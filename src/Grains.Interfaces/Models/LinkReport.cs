namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>What the link watcher heard of one netdev: its name, and why it cannot carry traffic (null when it can).</summary>
/// <param name="Netdev">The netdev name.</param>
/// <param name="Fault">E.g. <c>netdev eth1 has no carrier (operstate lowerlayerdown)</c>; null when up with carrier.</param>
[GenerateSerializer, Immutable, Alias("sriov.LinkReport")]
public sealed record LinkReport(
    [property: Id(0)] string Netdev,
    [property: Id(1)] string? Fault);
