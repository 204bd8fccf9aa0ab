namespace SriovForwarder.Gateway.Grpc;

/// <summary>Who this forwarder is, for the NSM gRPC services.</summary>
public sealed class NsmEndpointOptions
{
    /// <summary>The forwarder's name in connection paths (NSM_NAME); must equal the chain's name.</summary>
    public string Name { get; set; } = "sriov-forwarder";

    /// <summary>The node this forwarder serves (NSM_NODE_NAME); connection grains are keyed <c>{node}/{connectionId}</c>.</summary>
    public string NodeName { get; set; } = Environment.MachineName;

    /// <summary>
    /// How long a Request waits for the descriptor of an <c>inode://</c> URL passed with it (upstream waits until the
    /// call's deadline); bounded so a caller that never sends one gets a clear error instead of a hang.
    /// </summary>
    public TimeSpan PassedFileTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
