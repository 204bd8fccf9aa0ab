using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.Gateway.Tests.Protos;

/// <summary>Round-trips NSM messages through Orleans' serializer and copier, as grain-method arguments and results travel.</summary>
public sealed class OrleansSerializationTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void Serializer_NetworkServiceRequest_RoundTripsToAnEqualMessage() =>
        AssertRoundTrip(NetworkServiceRequest.Parser.ParseFrom(NsmVectors.Request));

    [Fact]
    public void Serializer_Connection_RoundTripsToAnEqualMessage() =>
        AssertRoundTrip(Connection.Parser.ParseFrom(NsmVectors.Connection));

    [Fact]
    public void Serializer_MonitorScopeSelector_RoundTripsToAnEqualMessage() =>
        AssertRoundTrip(MonitorScopeSelector.Parser.ParseFrom(NsmVectors.Selector));

    [Fact]
    public void Serializer_ConnectionEvent_RoundTripsToAnEqualMessage() =>
        AssertRoundTrip(ConnectionEvent.Parser.ParseFrom(NsmVectors.Event));

    [Fact]
    public void Serializer_ConnectionAsObject_RoundTripsWithItsType()
    {
        var serializer = _services.GetRequiredService<Serializer<object>>();
        object original = Connection.Parser.ParseFrom(NsmVectors.Connection);

        var copy = serializer.Deserialize(serializer.SerializeToArray(original));

        Assert.Equal(original, Assert.IsType<Connection>(copy));
    }

    [Fact]
    public void DeepCopier_Connection_ReturnsAnEqualButIndependentMessage()
    {
        var copier = _services.GetRequiredService<DeepCopier<Connection>>();
        var original = Connection.Parser.ParseFrom(NsmVectors.Connection);

        var copy = copier.Copy(original);
        copy.Mechanism.Parameters["pciAddress"] = "0000:01:00.1";
        copy.Path.PathSegments[0].Name = "changed";

        Assert.NotSame(original, copy);
        Assert.False(original.Mechanism.Parameters.ContainsKey("pciAddress"));
        Assert.Equal("nsmgr-node1", original.Path.PathSegments[0].Name);
    }

    [Fact]
    public void DeepCopier_NetworkServiceRequest_ReturnsAnIndependentMessage()
    {
        var copier = _services.GetRequiredService<DeepCopier<NetworkServiceRequest>>();
        var original = NetworkServiceRequest.Parser.ParseFrom(NsmVectors.Request);

        var copy = copier.Copy(original);
        copy.Connection.Id = "changed";

        Assert.Equal("conn-1", original.Connection.Id);
        Assert.Equal(NsmVectors.Request, original.ToByteArray());
    }

    private void AssertRoundTrip<T>(T original)
        where T : class, IMessage<T>
    {
        var serializer = _services.GetRequiredService<Serializer<T>>();

        var copy = serializer.Deserialize(serializer.SerializeToArray(original));

        Assert.NotSame(original, copy);
        Assert.Equal(original, copy);
        Assert.Equal(original.ToByteArray(), copy.ToByteArray());
    }
}
