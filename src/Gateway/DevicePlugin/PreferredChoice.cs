namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>What <see cref="PreferredTokenChoice"/> chose: the ids in order, and the NUMA node(s) it aimed at (empty: none known).</summary>
public sealed record PreferredChoice(IReadOnlyList<string> Ids, IReadOnlyList<int> TargetNumaNodes);
