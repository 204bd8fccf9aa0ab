using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.ConnectionContext;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.Gateway.Demo;

/// <summary>
/// DEMO STAND-IN, not NSM: the one sample network service endpoint of the embedded demo control plane
/// (<see cref="StandInNsmControlPlane"/>). It accepts every Request with the mechanism offered and hands out an IP
/// context from <see cref="Subnet"/>, as an NSE's IPAM would: the client gets the next free address, the endpoint's side is
/// <c>.1</c>. A Close gives the address back.
/// </summary>
public sealed class StandInDemoEndpoint : NetworkService.NetworkServiceBase
{
    /// <summary>The endpoint's name in the stand-in registry.</summary>
    public const string Name = "demo-nse";

    /// <summary>The network service it offers.</summary>
    public const string NetworkServiceName = "demo-ns";

    /// <summary>The subnet addresses come from (a /24 of RFC 1918 space that a laptop rarely routes).</summary>
    public const string Subnet = "172.30.0.0/24";

    private const string Prefix = "172.30.0.";
    private readonly ConcurrentDictionary<string, int> _hosts = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public override Task<Connection> Request(NetworkServiceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var connection = request.Connection ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "connection: missing"));
        var host = HostFor(connection.Id);
        var answer = EndpointAnswer.Accept(request, Name);
        answer.Context ??= new ConnectionContext();
        answer.Context.IpContext = new IPContext
        {
            SrcIpAddrs = { $"{Prefix}{host}/24" },
            DstIpAddrs = { $"{Prefix}1/24" },
        };
        return Task.FromResult(answer);
    }

    /// <inheritdoc />
    public override Task<Empty> Close(Connection request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        _hosts.TryRemove(request.Id, out _);
        return Task.FromResult(new Empty());
    }

    // The connection keeps its address across refreshes; a new one gets the lowest free host number (2..254).
    private int HostFor(string connectionId)
    {
        lock (_lock)
        {
            if (_hosts.TryGetValue(connectionId, out var known))
            {
                return known;
            }

            var used = _hosts.Values.ToHashSet();
            var free = Enumerable.Range(2, 253).FirstOrDefault(h => !used.Contains(h));
            if (free == 0)
            {
                throw new RpcException(new Status(StatusCode.ResourceExhausted, $"the demo endpoint's {Subnet} has no free address"));
            }

            _hosts[connectionId] = free;
            return free;
        }
    }
}
