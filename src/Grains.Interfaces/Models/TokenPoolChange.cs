namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>
/// One change of a node's token pool as told to its device plugins: the pool's new version and, for every resource, the
/// devices as they are after the change, so a ListAndWatch stream can send them without calling the node grain back
/// (decision 042).
/// </summary>
[GenerateSerializer, Immutable, Alias("sriov.TokenPoolChange")]
public sealed record TokenPoolChange(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyList<ResourceDevices> Resources);
