namespace SriovForwarder.Grains.Placement;

/// <summary>The name of the node this silo runs on (NSM_NODE_NAME), as published in its silo metadata.</summary>
public sealed record LocalNode(string Name);
