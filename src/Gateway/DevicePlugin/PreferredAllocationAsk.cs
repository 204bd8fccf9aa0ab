namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>One container's checked GetPreferredAllocation request: distinct ids, every must-include id among the available ones.</summary>
/// <param name="Available">The ids kubelet may hand out (must-include ones among them), in kubelet's order.</param>
/// <param name="MustInclude">The ids the answer must contain.</param>
/// <param name="Size">How many ids the answer must have.</param>
public sealed record PreferredAllocationAsk(IReadOnlyList<string> Available, IReadOnlyList<string> MustInclude, int Size);
