using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.ConnectionContext;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Outbound;

namespace SriovForwarder.Benchmarks.KernelMechanism;

/// <summary>A next hop answering at once with the IP context the bare variants apply too (one address, one on-link route, MTU, MAC).</summary>
internal sealed class BenchNextHop : INextHopClient
{
    public static ConnectionContext Context() => new()
    {
        MTU = 1400,
        IpContext = new IPContext
        {
            SrcIpAddrs = { "10.77.0.2/24" },
            DstIpAddrs = { "10.77.0.1/24" },
            SrcRoutes = { new Route { Prefix = "10.78.0.0/24" } },
        },
        EthernetContext = new EthernetContext { SrcMac = "0a:55:44:33:22:00", VlanTag = 100 },
    };

    public Task<Connection> RequestAsync(string url, NetworkServiceRequest request, DateTime? deadline, CancellationToken cancellationToken)
    {
        var answer = request.Connection.Clone();
        answer.Mechanism = request.Connection.Mechanism?.Clone() ?? request.MechanismPreferences[0].Clone();
        answer.Context = Context();
        return Task.FromResult(answer);
    }

    public Task CloseAsync(string url, Connection connection, CancellationToken cancellationToken) => Task.CompletedTask;
}
