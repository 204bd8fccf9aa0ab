using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Benchmarks.KernelMechanism;

/// <summary>Drops connection events (no monitor subscribers in the benchmark).</summary>
internal sealed class BenchEventSink : IConnectionEventSink
{
    public void Publish(ConnectionEventType type, Connection connection)
    {
    }
}
