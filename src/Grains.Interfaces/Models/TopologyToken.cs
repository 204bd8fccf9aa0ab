namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>
/// One token as GetPreferredAllocation weighs it: <paramref name="Healthy"/> as ListAndWatch reports it;
/// <paramref name="Held"/> when the node records it allocated to a pod or in use by a connection; <paramref name="PfAddress"/>
/// the PF of the VF it holds, null while it holds none (tokens are per resource name, not per PF: a Request through such
/// a token may take a free VF of any PF offering the name).
/// </summary>
[GenerateSerializer, Immutable, Alias("sriov.TopologyToken")]
public sealed record TopologyToken(
    [property: Id(0)] string Id,
    [property: Id(1)] bool Healthy,
    [property: Id(2)] bool Held,
    [property: Id(3)] string? PfAddress);
