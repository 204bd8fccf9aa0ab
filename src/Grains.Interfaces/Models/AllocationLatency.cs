namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>How long a node took to hand out VFs recently: the node grain's reserve, the PF grain's driver bind, and the whole NSM Request.</summary>
[GenerateSerializer, Immutable, Alias("sriov.AllocationLatency")]
public sealed record AllocationLatency(
    [property: Id(0)] LatencyFigure Reserve,
    [property: Id(1)] LatencyFigure Bind,
    [property: Id(2)] LatencyFigure Request)
{
    /// <summary>Nothing measured yet.</summary>
    public static readonly AllocationLatency None = new(LatencyFigure.None, LatencyFigure.None, LatencyFigure.None);
}
