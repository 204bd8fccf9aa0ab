namespace SriovForwarder.Grains.Chain;

/// <summary>Settings of the forwarder chain and its connection grains.</summary>
public sealed class ForwarderChainOptions
{
    /// <summary>The default <see cref="Name"/>.</summary>
    public const string DefaultName = "sriov-forwarder";

    /// <summary>This forwarder's name in connection paths (NSM_NAME); default <c>sriov-forwarder</c>.</summary>
    public string Name { get; set; } = DefaultName;

    /// <summary>The node this silo runs on (NSM_NODE_NAME).</summary>
    public string NodeName { get; set; } = Environment.MachineName;
}
