namespace SriovForwarder.Grains.Interfaces;

/// <summary>
/// Thrown when a node-bound grain is called for a node that has no live silo: such grains act on
/// one machine's hardware and must never activate anywhere else.
/// </summary>
[GenerateSerializer, Alias("sriov.NodeUnavailableException")]
public sealed class NodeUnavailableException : Exception
{
    public NodeUnavailableException()
    {
    }

    public NodeUnavailableException(string message)
        : base(message)
    {
    }

    public NodeUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for the node named in a grain key.</summary>
    public static NodeUnavailableException ForNode(string node, string grainKey) =>
        new($"node '{node}' has no live sriov-forwarder silo in the cluster, so '{grainKey}' cannot run there; " +
            "node-bound grains never activate on another node. Check that the forwarder pod on that node is running.");
}
