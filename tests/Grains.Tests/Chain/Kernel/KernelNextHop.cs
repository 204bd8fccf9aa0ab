using System.Collections.Concurrent;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.ConnectionContext;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Grains.Outbound;

namespace SriovForwarder.Grains.Tests.Chain.Kernel;

/// <summary>A next hop that answers with the connection context chosen by the test (IP, routes, neighbours, MTU, ethernet).</summary>
internal sealed class KernelNextHop : INextHopClient
{
    public ConcurrentDictionary<string, ConnectionContext> Contexts { get; } = new();

    public ConcurrentQueue<Connection> Closes { get; } = new();

    public static ConnectionContext DefaultContext() => new()
    {
        MTU = 1400,
        IpContext = new IPContext
        {
            SrcIpAddrs = { "10.60.1.2/24", "fd60::2/64" },
            DstIpAddrs = { "10.60.1.1/24" },
            SrcRoutes = { new Route { Prefix = "10.70.0.0/16" } },
            IpNeighbors = { new IpNeighbor { Ip = "10.60.1.1", HardwareAddress = "0a:55:44:33:22:11" } },
        },
        EthernetContext = new EthernetContext { SrcMac = "0a:55:44:33:22:00", DstMac = "0a:55:44:33:22:11", VlanTag = 100 },
    };

    /// <summary>The <c>test</c> labels whose Requests hang until the call is cancelled.</summary>
    public ConcurrentDictionary<string, bool> Hanging { get; } = new();

    /// <summary>The <c>test</c> labels of the Requests that reached this next hop and began to hang.</summary>
    public ConcurrentQueue<string> Hung { get; } = new();

    public async Task<Connection> RequestAsync(string url, NetworkServiceRequest request, DateTime? deadline, CancellationToken cancellationToken)
    {
        var key = request.Connection.Labels.GetValueOrDefault("test") ?? string.Empty;
        if (Hanging.ContainsKey(key))
        {
            Hung.Enqueue(key);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException ex)
            {
                throw new ForwarderException(ForwarderErrorCode.Cancelled, $"the next hop's Request at {url} failed: Cancelled", ex);
            }
        }

        var answer = request.Connection.Clone();
        answer.Mechanism = request.Connection.Mechanism?.Clone() ?? request.MechanismPreferences[0].Clone();
        answer.Context = (Contexts.TryGetValue(key, out var context) ? context : DefaultContext()).Clone();
        return answer;
    }

    public Task CloseAsync(string url, Connection connection, CancellationToken cancellationToken)
    {
        Closes.Enqueue(connection.Clone());
        return Task.CompletedTask;
    }
}
