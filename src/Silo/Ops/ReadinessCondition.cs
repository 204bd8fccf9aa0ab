namespace SriovForwarder.Silo.Ops;

/// <summary>One condition of readiness and whether it holds now.</summary>
/// <param name="Name">What is checked, e.g. <c>silo</c>.</param>
/// <param name="Met">Whether it holds.</param>
/// <param name="Detail">What was seen, e.g. <c>Active</c>.</param>
public sealed record ReadinessCondition(string Name, bool Met, string Detail);
