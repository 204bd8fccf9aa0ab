using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Grains.Outbound;

namespace SriovForwarder.Benchmarks.KernelMechanism;

/// <summary>Drops connection events (no monitor subscribers in the benchmark).</summary>
internal sealed class BenchEventSink : IConnectionEventSink
{
    public void Publish(string node, ConnectionEventType type, Connection connection)
    {
    }
}
