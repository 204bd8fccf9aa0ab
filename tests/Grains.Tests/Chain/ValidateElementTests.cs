using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Chain.Elements;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Grains.Tests.Chain;

public sealed class ValidateElementTests
{
    public static TheoryData<string, Func<NetworkServiceRequest>, string> BadRequests() => new()
    {
        { "missing token", () => ChainTestData.Request(ChainTestData.Vfio(token: "")), "tokenID] is missing" },
        { "token without prefix", () => ChainTestData.Request(ChainTestData.Vfio(token: "0b7c3c9e-5f3b-4c61-9a0e-1d2f3a4b5c6d")), "is not an SR-IOV token id" },
        { "token of right length but no uuid", () => ChainTestData.Request(ChainTestData.Kernel(token: "sriov-" + new string('x', 36))), "is not an SR-IOV token id" },
        { "unknown mechanism only", () => ChainTestData.Request(new Mechanism { Type = "MEMIF" }), "no supported mechanism" },
        { "unknown current mechanism", () => WithCurrent(new Mechanism { Type = "VXLAN" }), "connection.mechanism.type \"VXLAN\"" },
        { "interface name too long", () => ChainTestData.Request(WithName("a-very-long-ifname")), "parameters[name] \"a-very-long-ifname\"" },
        { "interface name with slash", () => ChainTestData.Request(WithName("eth/0")), "parameters[name] \"eth/0\"" },
        { "cgroupDir with dot-dot", () => ChainTestData.Request(ChainTestData.Vfio(cgroupDir: "kubepods/../../etc/*")), "contains \"..\"" },
        { "absolute cgroupDir", () => ChainTestData.Request(ChainTestData.Vfio(cgroupDir: "/kubepods/pod1/*")), "is absolute" },
        { "missing cgroupDir", () => ChainTestData.Request(ChainTestData.Vfio(cgroupDir: "")), "cgroupDir] is missing" },
        { "no network service", () => new NetworkServiceRequest { Connection = new Connection(), MechanismPreferences = { ChainTestData.Noop() } }, "network_service is empty" },
        { "no connection", () => new NetworkServiceRequest { MechanismPreferences = { ChainTestData.Noop() } }, "request.connection is missing" },
        { "bad netns url", () => ChainTestData.Request(WithInode("http://example.com/ns")), "parameters[inodeURL]" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Request_BadInput_FailsWithInvalidArgumentNamingTheProblem(string scenario, Func<NetworkServiceRequest> request, string expected)
    {
        var after = new CountingElement();
        var chain = ChainBuilder.Build([new ValidateElement(), after]);

        var error = await Assert.ThrowsAsync<ForwarderException>(() => chain.RequestAsync(request(), ChainTestData.Context()));

        Assert.Equal(ForwarderErrorCode.InvalidArgument, error.Code);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.True(after.RequestCount == 0, scenario);
    }

    [Fact]
    public async Task Request_UnknownPreferenceBesideAKnownOne_Passes()
    {
        var after = new CountingElement();
        var chain = ChainBuilder.Build([new ValidateElement(), after]);

        await chain.RequestAsync(ChainTestData.Request(new Mechanism { Type = "MEMIF" }, ChainTestData.Vfio()), ChainTestData.Context());

        Assert.Equal(1, after.RequestCount);
    }

    private static NetworkServiceRequest WithCurrent(Mechanism mechanism)
    {
        var request = ChainTestData.Request(ChainTestData.Noop());
        request.Connection.Mechanism = mechanism;
        return request;
    }

    private static Mechanism WithName(string name)
    {
        var mechanism = ChainTestData.Kernel();
        mechanism.Parameters["name"] = name;
        return mechanism;
    }

    private static Mechanism WithInode(string url)
    {
        var mechanism = ChainTestData.Kernel();
        mechanism.Parameters["inodeURL"] = url;
        return mechanism;
    }
}
