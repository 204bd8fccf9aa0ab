namespace SriovForwarder.Grains.Allocation;

/// <summary>Snapshot of one PF's VF counts; <c>Free + InUse == Total</c>.</summary>
public sealed record PhysicalFunctionUsage(string Address, IReadOnlyList<string> ResourceNames, int Total, int Free, int InUse);
