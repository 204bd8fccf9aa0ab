namespace SriovForwarder.Grains.Chain;

/// <summary>
/// The persisted state of one connection: the last good request and answer, the VF it holds, the
/// cgroup grants, the next hop; enough for a refresh after a restart to keep the same VF and for a
/// Close to undo everything. Messages are kept as protobuf bytes so any storage serializer keeps them exactly.
/// </summary>
[GenerateSerializer, Alias("sriov.ConnectionState")]
public sealed class ConnectionState
{
    /// <summary>Whether a Request succeeded and no Close has run since.</summary>
    [Id(0)]
    public bool Established { get; set; }

    /// <summary>The last successful request (protobuf bytes), used for expiry's Close.</summary>
    [Id(1)]
    public byte[]? LastRequest { get; set; }

    /// <summary>The last connection returned to the caller (protobuf bytes, caller coordinates).</summary>
    [Id(2)]
    public byte[]? LastConnection { get; set; }

    /// <summary>The mechanism the mechanism branch returned (protobuf bytes), for resetmechanism.</summary>
    [Id(3)]
    public byte[]? ServerMechanism { get; set; }

    /// <summary>The VF this connection holds, or null.</summary>
    [Id(4)]
    public VfHolding? Vf { get; set; }

    /// <summary>The cgroup device grants of a VFIO connection, or null.</summary>
    [Id(5)]
    public VfioGrantRecord? Vfio { get; set; }

    /// <summary>The next hop's URL.</summary>
    [Id(6)]
    public string? NextHopUrl { get; set; }

    /// <summary>The mechanism negotiated with the next hop (protobuf bytes).</summary>
    [Id(7)]
    public byte[]? NextHopMechanism { get; set; }

    /// <summary>When the caller's path token expires; the connection closes itself then.</summary>
    [Id(8)]
    public DateTimeOffset? Expires { get; set; }

    /// <summary>What the KERNEL elements applied in the client namespace (interface, names, policy tables), or null.</summary>
    [Id(9)]
    public Elements.Kernel.KernelInterfaceRecord? Kernel { get; set; }

    /// <summary>What was running when this state was written; not <see cref="ConnectionIntent.None"/> means undo it on restart.</summary>
    [Id(10)]
    public ConnectionIntent Intent { get; set; }
}
