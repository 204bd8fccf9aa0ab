namespace SriovForwarder.Grains.Allocation;

/// <summary>Snapshot of one PF's VF counts; <c>Free + InUse == Total</c> unless VFs are fenced off as unhealthy (then they count in neither).</summary>
public sealed record PhysicalFunctionUsage(string Address, IReadOnlyList<string> ResourceNames, int Total, int Free, int InUse);
