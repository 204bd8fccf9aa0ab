using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Chain;

namespace SriovForwarder.Grains.Tests.Chain;

/// <summary>Requests and contexts the chain tests share.</summary>
internal static class ChainTestData
{
    public const string Node = "node-a";
    public const string Token = "sriov-0b7c3c9e-5f3b-4c61-9a0e-1d2f3a4b5c6d";

    public static ChainContext Context(string? id = null, ConnectionState? state = null) =>
        new(Node, id ?? Guid.NewGuid().ToString(), state ?? new ConnectionState());

    public static Mechanism Vfio(string token = Token, string cgroupDir = "kubepods/besteffort/pod1/*") => new()
    {
        Cls = "LOCAL",
        Type = "VFIO",
        Parameters = { ["tokenID"] = token, ["cgroupDir"] = cgroupDir },
    };

    public static Mechanism Kernel(string token = Token) => new()
    {
        Cls = "LOCAL",
        Type = "KERNEL",
        Parameters = { ["tokenID"] = token, ["name"] = "nsm-1" },
    };

    public static Mechanism Noop() => new() { Cls = "LOCAL", Type = "NOOP" };

    public static NetworkServiceRequest Request(params Mechanism[] preferences)
    {
        var request = new NetworkServiceRequest
        {
            Connection = new Connection { NetworkService = "sriov-ns", Labels = { ["app"] = "nsc" } },
        };
        request.MechanismPreferences.AddRange(preferences);
        return request;
    }
}
