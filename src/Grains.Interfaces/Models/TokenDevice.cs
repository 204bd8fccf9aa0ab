namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>One device-plugin device: a token id, whether kubelet may hand it out, and its NUMA node (-1 = unknown).</summary>
[GenerateSerializer, Immutable, Alias("sriov.TokenDevice")]
public sealed record TokenDevice(
    [property: Id(0)] string Id,
    [property: Id(1)] bool Healthy,
    [property: Id(2)] int NumaNode);
