namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>
/// The devices of one resource at one moment; <see cref="Version"/> grows with every change of the
/// node's token pool, so a watcher can tell whether it has missed nothing.
/// </summary>
[GenerateSerializer, Immutable, Alias("sriov.ResourceDevices")]
public sealed record ResourceDevices(
    [property: Id(0)] string ResourceName,
    [property: Id(1)] IReadOnlyList<TokenDevice> Devices,
    [property: Id(2)] long Version);
