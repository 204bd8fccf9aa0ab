using Google.Protobuf.WellKnownTypes;
using SriovForwarder.Api.Fleet.V1;
using SriovForwarder.Grains.Interfaces.Models;
using Node = SriovForwarder.Api.Fleet.V1.Node;

namespace SriovForwarder.Gateway.Fleet;

/// <summary>The fleet grain's view as <c>sriov.fleet.v1</c> messages (the gRPC API, the CLI and the web page's JSON).</summary>
public static class FleetMessages
{
    /// <summary>Every node, and each resource's capacity over the live ones.</summary>
    public static FleetView View(IEnumerable<FleetNode> nodes)
    {
        var view = new FleetView();
        view.Nodes.AddRange(nodes.Select(ToNode));
        var capacity = new SortedDictionary<string, ResourceCapacity>(StringComparer.Ordinal);
        foreach (var node in view.Nodes.Where(n => n.Live))
        {
            foreach (var pool in node.TokenPools)
            {
                if (!capacity.TryGetValue(pool.ResourceName, out var total))
                {
                    capacity[pool.ResourceName] = total = new ResourceCapacity { ResourceName = pool.ResourceName };
                }

                total.Nodes++;
                total.Tokens += pool.Tokens;
                total.Free += pool.Free;
                total.Allocated += pool.Allocated;
                total.InUse += pool.InUse;
                total.Healthy += pool.Healthy;
                total.Unhealthy += pool.Unhealthy;
            }
        }

        view.Capacity.AddRange(capacity.Values);
        return view;
    }

    /// <summary>One node: PFs as sysfs shows them with each VF's state and owner, token pools, allocation latency.</summary>
    public static Node ToNode(FleetNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var message = new Node { Name = node.Node, Live = node.Live, DownReason = node.DownReason ?? string.Empty, Reported = node.Snapshot is not null };
        if (node.ReportedAt is { } at)
        {
            message.ReportedAt = Timestamp.FromDateTimeOffset(at);
        }

        if (node.Snapshot is not { } snapshot)
        {
            message.Silo = node.DepartedSilo ?? string.Empty;
            return message;
        }

        message.Silo = snapshot.Silo;
        message.ActivatedAt = Timestamp.FromDateTimeOffset(snapshot.ActivatedAt);
        var holders = snapshot.Reservations.ToDictionary(r => r.VfAddress, StringComparer.Ordinal);
        var hardware = (snapshot.Hardware ?? []).ToDictionary(h => h.Address, StringComparer.Ordinal);
        foreach (var pf in snapshot.PhysicalFunctions)
        {
            var added = ToPhysicalFunction(pf, hardware.GetValueOrDefault(pf.Address), holders);
            FleetHealthMessages.AddHealth(added, snapshot);
            message.PhysicalFunctions.Add(added);
        }

        message.TokenPools.AddRange(snapshot.Resources.Select(r => new TokenPool
        {
            ResourceName = r.Name,
            Tokens = r.Tokens,
            Free = r.Free,
            Allocated = r.Allocated,
            InUse = r.InUse,
            Closed = r.Closed,
            Healthy = r.Healthy,
            Unhealthy = r.Unhealthy,
        }));
        var latency = snapshot.Latency ?? Grains.Interfaces.Models.AllocationLatency.None;
        message.Latency = new Api.Fleet.V1.AllocationLatency
        {
            Reserve = ToLatency(latency.Reserve),
            Bind = ToLatency(latency.Bind),
            Request = ToLatency(latency.Request),
        };
        return message;
    }

    private static PhysicalFunction ToPhysicalFunction(PhysicalFunctionSummary pf, PhysicalFunctionSnapshot? hardware, Dictionary<string, VfReservation> holders)
    {
        var message = new PhysicalFunction
        {
            Address = pf.Address,
            Netdev = hardware?.NetInterface ?? pf.NetInterface ?? string.Empty,
            Driver = hardware?.Driver ?? string.Empty,
            NumaNode = hardware?.NumaNode ?? -1,
            Link = hardware?.Link ?? string.Empty,
            TotalVfs = pf.TotalVfs,
            FreeVfs = pf.FreeVfs,
        };
        message.ResourceNames.AddRange(pf.ResourceNames);
        var vfs = hardware?.VirtualFunctions.Select(vf => (vf.Address, vf.VfNumber, vf.IommuGroup, vf.Driver, vf.NetInterface))
            ?? holders.Values.Where(r => r.PfAddress == pf.Address).Select(r => (r.VfAddress, r.VfNumber, r.IommuGroup, (string?)null, (string?)null));
        foreach (var (address, number, group, driver, netdev) in vfs)
        {
            var vf = new VirtualFunction
            {
                Address = address,
                VfNumber = number,
                IommuGroup = group,
                Driver = driver ?? string.Empty,
                Netdev = netdev ?? string.Empty,
                State = holders.ContainsKey(address) ? "held" : "free",
            };
            if (holders.TryGetValue(address, out var held))
            {
                vf.Owner = new Owner
                {
                    ConnectionId = held.ConnectionId,
                    Client = held.Owner?.Client ?? string.Empty,
                    NetworkService = held.Owner?.NetworkService ?? string.Empty,
                    Mechanism = held.Owner?.Mechanism ?? string.Empty,
                    Since = Timestamp.FromDateTimeOffset(held.ReservedAt),
                    TokenId = held.TokenId,
                    ResourceName = held.ResourceName,
                };
            }

            message.VirtualFunctions.Add(vf);
        }

        return message;
    }

    private static Latency ToLatency(LatencyFigure figure) =>
        new() { Samples = figure.Samples, MedianMs = figure.MedianMs, P99Ms = figure.P99Ms };
}
