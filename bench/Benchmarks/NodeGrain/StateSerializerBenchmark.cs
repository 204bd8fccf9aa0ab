using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Grains.Storage;

namespace SriovForwarder.Benchmarks.NodeGrain;

/// <summary>
/// One write and one read of a connection's state as the journal persists it (decision 046): Orleans' default storage
/// serializer (Newtonsoft JSON with type names, what every release before decision 046 wrote; the baseline) against
/// <see cref="NodeStateSerializer"/> (source-generated System.Text.Json behind a marker). Two states: an established
/// NOOP connection as the endpoint benchmark leaves it, and a VFIO connection holding a VF and its cgroup grants.
/// </summary>
[Config(typeof(NodeGrainBenchmarkConfig))]
public class StateSerializerBenchmark
{
    private static readonly JsonGrainStorageSerializer Newtonsoft = new(new OrleansJsonSerializer(Options.Create(new OrleansJsonSerializerOptions())));
    private static readonly NodeStateSerializer Node = new(Newtonsoft);
    private ConnectionState _state = null!;

    [Params("noop", "vfio")]
    public string Connection { get; set; } = "noop";

    [GlobalSetup]
    public void Setup() => _state = Connection == "noop" ? Noop() : Vfio();

    [Benchmark(Baseline = true)]
    public ConnectionState NewtonsoftWriteAndRead() => RoundTrip(Newtonsoft);

    [Benchmark]
    public ConnectionState SystemTextJsonWriteAndRead() => RoundTrip(Node);

    // What the journal does per write (serialize, keep the bytes) and an activation per read.
    private ConnectionState RoundTrip(IGrainStorageSerializer serializer) =>
        serializer.Deserialize<ConnectionState>(new BinaryData(serializer.Serialize(_state).ToArray()))!;

    // The sizes of the endpoint benchmark's NOOP connection (its state file is 738 bytes in the format before).
    private static ConnectionState Noop() => new()
    {
        Established = true,
        LastRequest = Bytes(36),
        LastConnection = Bytes(97),
        ServerMechanism = Bytes(15),
        NextHopUrl = "unix:///tmp/endpoint-bench-OPy2Rh/nse.sock",
        NextHopMechanism = Bytes(15),
    };

    private static ConnectionState Vfio()
    {
        var state = Noop();
        state.LastRequest = Bytes(180);
        state.LastConnection = Bytes(260);
        state.Expires = DateTimeOffset.UtcNow.AddHours(1);
        state.Vf = new VfHolding { TokenId = "sriov-9546c724-7a5d-4e2a-b811-d3f0deb64a87", PfAddress = "0000:01:00.0", VfAddress = "0000:01:00.3", VfNumber = 3, IommuGroup = 42, Driver = VfDriver.VfioPci };
        state.Vfio = new VfioGrantRecord
        {
            CgroupDir = "kubepods/besteffort/pod-1/*",
            Grants = [new PersistedDeviceGrant { CgroupPath = "kubepods/besteffort/pod-1/c1", Major = 10, Minor = 196 }, new PersistedDeviceGrant { CgroupPath = "kubepods/besteffort/pod-1/c1", Major = 243, Minor = 0 }],
            Planned = [new PersistedDeviceGrant { CgroupPath = "kubepods/besteffort/pod-1/*", Major = 10, Minor = 196 }, new PersistedDeviceGrant { CgroupPath = "kubepods/besteffort/pod-1/*", Major = 243, Minor = 0 }],
            Applied = true,
        };
        return state;
    }

    private static byte[] Bytes(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 37))];
}
