namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>A token a pod holds, with the resource it belongs to.</summary>
public sealed record TrackedToken(string ResourceName, string TokenId);
