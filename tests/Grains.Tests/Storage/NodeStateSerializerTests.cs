using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Chain.Elements.Kernel;
using SriovForwarder.Grains.Health;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Grains.Node;
using SriovForwarder.Grains.Storage;

namespace SriovForwarder.Grains.Tests.Storage;

/// <summary>
/// The node's state serializer (decision 046): every persisted state round-trips with every field, the format is told
/// apart by its marker, what Orleans' Newtonsoft serializer wrote (the format before) still reads, and the new format
/// still reads with that serializer (a downgrade). Fields are compared through the Newtonsoft JSON, an independent writer.
/// </summary>
public sealed class NodeStateSerializerTests
{
    private readonly JsonGrainStorageSerializer _legacy = LegacySerializer();
    private readonly NodeStateSerializer _serializer;

    public NodeStateSerializerTests() => _serializer = new NodeStateSerializer(_legacy);

    /// <summary>Orleans' default storage serializer with its default settings, as releases before decision 046 wrote.</summary>
    internal static JsonGrainStorageSerializer LegacySerializer() =>
        new(new OrleansJsonSerializer(Options.Create(new OrleansJsonSerializerOptions())));

    [Fact]
    public void Serialize_ConnectionState_IsTheMarkerThenPlainJsonWithoutTypeNames()
    {
        var payload = _serializer.Serialize(FullConnection()).ToArray();

        Assert.Equal((byte)'\t', payload[0]);
        Assert.True(NodeStateSerializer.IsCurrentFormat(payload));
        using var json = JsonDocument.Parse(payload);
        Assert.Equal("unix:///nse-1.sock", json.RootElement.GetProperty("NextHopUrl").GetString());
        Assert.False(json.RootElement.TryGetProperty("$type", out _));
    }

    [Fact]
    public void RoundTrip_ConnectionStateWithEveryPart_KeepsEveryField() =>
        AssertRoundTrips(FullConnection());

    [Fact]
    public void RoundTrip_NodeAllocationState_KeepsEveryField() =>
        AssertRoundTrips(Allocations());

    [Fact]
    public void RoundTrip_NodeTokenIdsAndHealth_KeepEveryField()
    {
        AssertRoundTrips(new NodeTokenIdsState { TokenIds = ["sriov-a", "sriov-b"] });
        AssertRoundTrips(Health());
    }

    [Fact]
    public void RoundTrip_EmptyConnectionState_ReadsAsEmpty()
    {
        var read = _serializer.Deserialize<ConnectionState>(_serializer.Serialize(new ConnectionState()))!;

        Assert.Equal((false, ConnectionIntent.None, null, null), (read.Established, read.Intent, read.Vf, read.Expires));
        // Null protobuf fields stay null, not empty (the generated writer alone would write "" for a null byte[]).
        Assert.Equal([null, null, null, null], new[] { read.LastRequest, read.LastConnection, read.ServerMechanism, read.NextHopMechanism });
    }

    [Fact]
    public void Deserialize_WhatTheNewtonsoftSerializerWrote_ReadsEveryField()
    {
        foreach (var (state, read) in new (object, Func<BinaryData, object>)[]
        {
            (FullConnection(), d => _serializer.Deserialize<ConnectionState>(d)!),
            (Allocations(), d => _serializer.Deserialize<NodeAllocationState>(d)!),
            (Health(), d => _serializer.Deserialize<NodeHealthState>(d)!),
        })
        {
            var legacyPayload = _legacy.Serialize(state);
            Assert.False(NodeStateSerializer.IsCurrentFormat(legacyPayload.ToMemory().Span));

            Assert.Equal(Newtonsoft(state), Newtonsoft(read(legacyPayload)));
        }
    }

    [Fact]
    public void NewtonsoftSerializer_ReadsTheNewFormat_SoAReleaseBeforeThisOneStillReadsTheFiles()
    {
        var connection = FullConnection();
        var allocations = Allocations();
        var health = Health();

        Assert.Equal(Newtonsoft(connection), Newtonsoft(_legacy.Deserialize<ConnectionState>(_serializer.Serialize(connection))));
        Assert.Equal(Newtonsoft(allocations), Newtonsoft(_legacy.Deserialize<NodeAllocationState>(_serializer.Serialize(allocations))));
        Assert.Equal(Newtonsoft(health), Newtonsoft(_legacy.Deserialize<NodeHealthState>(_serializer.Serialize(health))));
    }

    [Fact]
    public void Serialize_TypeNotInTheContext_GoesToTheNewtonsoftSerializerBothWays()
    {
        var payload = _serializer.Serialize(new Unlisted { Name = "x" });

        Assert.False(NodeStateSerializer.IsCurrentFormat(payload.ToMemory().Span));
        Assert.Equal("x", _serializer.Deserialize<Unlisted>(payload)!.Name);
    }

    [Fact]
    public void Deserialize_NewFormatForATypeNotInTheContext_IsRefusedNamingTheType()
    {
        var payload = new BinaryData("\t{\"Name\":\"x\"}"u8.ToArray());

        var error = Assert.Throws<JsonException>(() => _serializer.Deserialize<Unlisted>(payload));

        Assert.Contains(nameof(Unlisted), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(typeof(ConnectionState))]
    [InlineData(typeof(NodeAllocationState))]
    [InlineData(typeof(NodeTokenIdsState))]
    [InlineData(typeof(NodeHealthState))]
    public void EveryNullablePropertyOfAPersistedState_StartsNull_SoLeavingNullsOutLosesNothing(Type state)
    {
        var nullability = new NullabilityInfoContext();
        var seen = new HashSet<Type>();
        var pending = new Queue<Type>([state]);
        while (pending.TryDequeue(out var type))
        {
            if (!seen.Add(type) || type.Namespace?.StartsWith("SriovForwarder", StringComparison.Ordinal) != true || type.IsEnum)
            {
                continue;
            }

            var fresh = Activator.CreateInstance(type);
            foreach (var property in type.GetProperties().Where(p => p.CanWrite))
            {
                if (nullability.Create(property).WriteState == NullabilityState.Nullable || Nullable.GetUnderlyingType(property.PropertyType) is not null)
                {
                    Assert.True(property.GetValue(fresh) is null, $"{type.Name}.{property.Name} is nullable but does not start null");
                }

                pending.Enqueue(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType);
                foreach (var argument in property.PropertyType.GetGenericArguments())
                {
                    pending.Enqueue(argument);
                }
            }
        }

        Assert.True(seen.Count > 1);
    }

    private void AssertRoundTrips<T>(T state)
    {
        var read = _serializer.Deserialize<T>(_serializer.Serialize(state));

        Assert.Equal(Newtonsoft(state), Newtonsoft(read));
    }

    private string Newtonsoft<T>(T state) => _legacy.Serialize(state).ToString();

    public sealed class Unlisted
    {
        public string Name { get; set; } = string.Empty;
    }

    internal static ConnectionState FullConnection() => new()
    {
        Established = true,
        LastRequest = [1, 2, 3, 0xfb, 0xff],
        LastConnection = [4, 5, 6],
        ServerMechanism = [7],
        Vf = new VfHolding { TokenId = "sriov-t", PfAddress = "0000:01:00.0", VfAddress = "0000:01:00.3", VfNumber = 3, IommuGroup = 42, Driver = VfDriver.VfioPci, VfInterfaceName = "enp1s0v3" },
        Vfio = new VfioGrantRecord
        {
            CgroupDir = "kubepods/pod-1/*",
            Grants = [new PersistedDeviceGrant { CgroupPath = "kubepods/pod-1/c1", Major = 10, Minor = 196 }],
            Planned = [new PersistedDeviceGrant { CgroupPath = "kubepods/pod-1/*", Major = 243, Minor = 0 }],
            Applied = true,
        },
        NextHopUrl = "unix:///nse-1.sock",
        NextHopMechanism = [8, 9],
        Expires = new DateTimeOffset(2026, 12, 7, 11, 30, 15, 123, TimeSpan.FromHours(1)).AddTicks(4567),
        Kernel = new KernelInterfaceRecord
        {
            NamespaceUrl = "file:///proc/42/fd/7",
            NamespaceInode = ulong.MaxValue - 5,
            InterfaceName = "nsm-1",
            OriginalName = "enp1s0v3",
            PolicyTables = [100, 101],
            PolicyKeys = new Dictionary<int, string> { [100] = "from 10.0.0.1/32 table 100; 0.0.0.0/0 via 10.0.0.254", [101] = "ünïcode & <html>" },
            RouteDestinations = ["10.0.0.0/24"],
            NeighbourAddresses = ["10.0.0.254"],
        },
        Intent = ConnectionIntent.Close,
    };

    internal static NodeAllocationState Allocations() => new()
    {
        Reservations =
        [
            new ReservationRecord
            {
                ConnectionId = "c-1", TokenId = "sriov-t", ResourceName = "intel.com/sriov", PfAddress = "0000:01:00.0", VfAddress = "0000:01:00.3",
                VfNumber = 3, IommuGroup = 42, Driver = VfDriver.Kernel, ReservedAt = new DateTimeOffset(2026, 12, 7, 11, 0, 0, TimeSpan.Zero),
                Client = "pod-1", NetworkService = "ns", Mechanism = "KERNEL",
            },
            new ReservationRecord { ConnectionId = "c-2", TokenId = "sriov-u", VfAddress = "0000:01:00.4", VfNumber = 4 },
        ],
        AllocatedTokenIds = ["sriov-t", "sriov-u"],
    };

    internal static NodeHealthState Health() => new()
    {
        Functions =
        {
            ["0000:01:00.0"] = new FunctionHealthRecord { IsPhysicalFunction = true, Faults = { ["carrier"] = "no carrier" }, Since = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero) },
            ["0000:01:00.3"] = new FunctionHealthRecord { Since = new DateTimeOffset(2026, 12, 7, 10, 5, 0, TimeSpan.Zero) },
        },
    };
}
