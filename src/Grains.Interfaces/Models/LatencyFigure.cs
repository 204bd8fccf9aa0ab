namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>Median and 99th percentile of one step's duration over a recent window of <see cref="Samples"/> samples (0 = none yet).</summary>
[GenerateSerializer, Immutable, Alias("sriov.LatencyFigure")]
public sealed record LatencyFigure(
    [property: Id(0)] int Samples,
    [property: Id(1)] double MedianMs,
    [property: Id(2)] double P99Ms)
{
    /// <summary>No sample yet.</summary>
    public static readonly LatencyFigure None = new(0, 0, 0);
}
