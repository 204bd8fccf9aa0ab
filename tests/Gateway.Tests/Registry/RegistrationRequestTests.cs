using Google.Protobuf.WellKnownTypes;
using SriovForwarder.Api.Nsm.Registry;
using SriovForwarder.Gateway.Registry;

namespace SriovForwarder.Gateway.Tests.Registry;

public sealed class RegistrationRequestTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Build_FillsNameServiceLabelsUrlAndExpirationAsUpstream()
    {
        var options = new RegistrationOptions
        {
            Name = "fwd-1",
            NetworkServiceName = "forwarder",
            Labels = new Dictionary<string, string> { ["p2p"] = "true", ["zone"] = "a" },
            Url = "unix:///tmp/x/listen_on.io.sock",
            Lifetime = TimeSpan.FromMinutes(10),
        };

        var endpoint = RegistrationRequest.Build(options, Now);

        Assert.Equal("fwd-1", endpoint.Name);
        Assert.Equal(["forwarder"], endpoint.NetworkServiceNames);
        Assert.Equal(["forwarder"], endpoint.NetworkServiceLabels.Keys);
        Assert.Equal(options.Labels, endpoint.NetworkServiceLabels["forwarder"].Labels);
        Assert.Equal("unix:///tmp/x/listen_on.io.sock", endpoint.Url);
        Assert.Equal(Now.AddMinutes(10), endpoint.ExpirationTime.ToDateTimeOffset());
        Assert.Null(endpoint.InitialRegistrationTime);
        Assert.Empty(endpoint.PathIds);
    }

    [Fact]
    public void RefreshDelay_ReturnedExpiration_IsTwoThirdsOfTheTimeLeftUntilIt()
    {
        var sent = new NetworkServiceEndpoint { ExpirationTime = Timestamp.FromDateTimeOffset(Now.AddMinutes(10)) };
        var returned = new NetworkServiceEndpoint { ExpirationTime = Timestamp.FromDateTimeOffset(Now.AddSeconds(90)) };

        Assert.Equal(TimeSpan.FromSeconds(60), RegistrationRequest.RefreshDelay(sent, returned, Now));
    }

    [Fact]
    public void RefreshDelay_NoReturnedExpiration_UsesTheRequestedOne()
    {
        var sent = new NetworkServiceEndpoint { ExpirationTime = Timestamp.FromDateTimeOffset(Now.AddMinutes(3)) };

        Assert.Equal(TimeSpan.FromMinutes(2), RegistrationRequest.RefreshDelay(sent, new NetworkServiceEndpoint(), Now));
    }

    [Fact]
    public void RefreshDelay_ExpirationAlreadyPast_WaitsBrieflyInsteadOfSpinning()
    {
        var returned = new NetworkServiceEndpoint { ExpirationTime = Timestamp.FromDateTimeOffset(Now.AddSeconds(-5)) };

        var delay = RegistrationRequest.RefreshDelay(new NetworkServiceEndpoint(), returned, Now);

        Assert.InRange(delay, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
    }
}
