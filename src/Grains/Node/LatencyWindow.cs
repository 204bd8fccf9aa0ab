using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Node;

/// <summary>The last <see cref="Capacity"/> durations of one step, and their median and 99th percentile. Not thread-safe: <see cref="AllocationTimings"/> locks.</summary>
public sealed class LatencyWindow
{
    /// <summary>How many recent samples the figures cover.</summary>
    public const int Capacity = 512;

    private readonly double[] _samples = new double[Capacity];
    private int _count;
    private int _next;

    /// <summary>Adds one duration, dropping the oldest when full.</summary>
    public void Add(TimeSpan duration)
    {
        _samples[_next] = duration.TotalMilliseconds;
        _next = (_next + 1) % Capacity;
        _count = Math.Min(_count + 1, Capacity);
    }

    /// <summary>Median and p99 (nearest rank) of the window.</summary>
    public LatencyFigure Figure()
    {
        if (_count == 0)
        {
            return LatencyFigure.None;
        }

        var sorted = _samples.AsSpan(0, _count).ToArray();
        Array.Sort(sorted);
        return new LatencyFigure(_count, Rank(sorted, 0.50), Rank(sorted, 0.99));
    }

    private static double Rank(double[] sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
}
