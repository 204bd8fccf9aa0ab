using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SriovForwarder.Api.Nsm.Registry;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Chain.Elements;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Grains.Tests.Chain;

public sealed class DiscoverAndRoundRobinTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task Discover_NamedEndpoint_UsesItsUrl()
    {
        var registry = FakeRegistry.WithEndpoints("nse-1", "nse-2");
        var context = ChainTestData.Context();
        var request = ChainTestData.Request(ChainTestData.Noop());
        request.Connection.NetworkServiceEndpointName = "nse-2";

        await ChainBuilder.Build([Discover(registry)]).RequestAsync(request, context);

        Assert.Equal("unix:///run/nse-2.sock", context.ClientUrl);
    }

    [Fact]
    public async Task Discover_UnknownEndpoint_FailsWithNotFoundNamingIt()
    {
        var request = ChainTestData.Request(ChainTestData.Noop());
        request.Connection.NetworkServiceEndpointName = "nse-9";

        var error = await Assert.ThrowsAsync<ForwarderException>(() => ChainBuilder.Build([Discover(FakeRegistry.WithEndpoints("nse-1"))]).RequestAsync(request, ChainTestData.Context()));

        Assert.Equal((ForwarderErrorCode.NotFound, "network service endpoint nse-9 not found"), (error.Code, error.Message));
    }

    [Fact]
    public async Task Discover_UnknownService_FailsWithNotFound()
    {
        var registry = new FakeRegistry();

        var error = await Assert.ThrowsAsync<ForwarderException>(() => ChainBuilder.Build([Discover(registry)]).RequestAsync(ChainTestData.Request(ChainTestData.Noop()), ChainTestData.Context()));

        Assert.Equal("network service sriov-ns is not found", error.Message);
    }

    [Fact]
    public async Task Discover_MatchesAndExpiry_KeepOnlyLiveMatchingEndpointsAndSetPayload()
    {
        var registry = FakeRegistry.WithEndpoints("blue", "red", "old-blue");
        registry.Services[0].Matches.Add(new Match
        {
            SourceSelector = { ["app"] = "nsc" },
            Routes = { new Destination { DestinationSelector = { ["color"] = "blue" } } },
        });
        foreach (var endpoint in registry.Endpoints)
        {
            var color = endpoint.Name.EndsWith("blue", StringComparison.Ordinal) ? "blue" : "red";
            endpoint.NetworkServiceLabels["sriov-ns"] = new NetworkServiceLabels { Labels = { ["color"] = color } };
        }

        registry.Endpoints[2].ExpirationTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(_time.GetUtcNow().AddMinutes(-1));
        var probe = new RecordingElement("probe", []);
        var context = ChainTestData.Context();

        await ChainBuilder.Build([Discover(registry), probe]).RequestAsync(ChainTestData.Request(ChainTestData.Noop()), context);

        Assert.Equal(["blue"], context.Candidates!.Select(c => c.Name));
        Assert.Equal("ETHERNET", probe.Requests.Single().Connection.Payload);
    }

    [Fact]
    public async Task RoundRobin_SuccessiveRequests_AlternateBetweenCandidates()
    {
        var registry = FakeRegistry.WithEndpoints("nse-1", "nse-2");
        var probe = new RecordingElement("probe", []);
        var chain = ChainBuilder.Build([Discover(registry), new RoundRobinElement(), probe]);

        for (var i = 0; i < 3; i++)
        {
            await chain.RequestAsync(ChainTestData.Request(ChainTestData.Noop()), ChainTestData.Context());
        }

        Assert.Equal(["nse-1", "nse-2", "nse-1"], probe.Requests.Select(r => r.Connection.NetworkServiceEndpointName));
    }

    [Fact]
    public async Task RoundRobin_FirstCandidateFails_TriesTheNext()
    {
        var registry = FakeRegistry.WithEndpoints("nse-1", "nse-2");
        var nextHop = new FakeNextHop { Down = { "unix:///run/nse-1.sock" } };
        var chain = ChainBuilder.Build([Discover(registry), new RoundRobinElement(), new ConnectElement(nextHop, NullLogger<ConnectElement>.Instance)]);

        var result = await chain.RequestAsync(ChainTestData.Request(ChainTestData.Noop()), ChainTestData.Context());

        Assert.Equal("nse-2", result.NetworkServiceEndpointName);
        Assert.Equal(2, nextHop.Requests.Count);
    }

    [Fact]
    public async Task RoundRobin_AllCandidatesFail_ListsEachFailure()
    {
        var registry = FakeRegistry.WithEndpoints("nse-1", "nse-2");
        var nextHop = new FakeNextHop { Down = { "unix:///run/nse-1.sock", "unix:///run/nse-2.sock" } };
        var chain = ChainBuilder.Build([Discover(registry), new RoundRobinElement(), new ConnectElement(nextHop, NullLogger<ConnectElement>.Instance)]);

        var error = await Assert.ThrowsAsync<ForwarderException>(() => chain.RequestAsync(ChainTestData.Request(ChainTestData.Noop()), ChainTestData.Context()));

        Assert.Equal(ForwarderErrorCode.Unavailable, error.Code);
        Assert.StartsWith("all candidates have failed:", error.Message, StringComparison.Ordinal);
        Assert.Contains("select endpoint nse-1 -->", error.Message, StringComparison.Ordinal);
        Assert.Contains("select endpoint nse-2 -->", error.Message, StringComparison.Ordinal);
    }

    private DiscoverElement Discover(FakeRegistry registry) => new(registry, _time, NullLogger<DiscoverElement>.Instance);
}
