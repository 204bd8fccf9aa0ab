using System.Collections.Concurrent;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Api.Nsm.Registry;
using NetworkService = SriovForwarder.Api.Nsm.Registry.NetworkService;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Grains.Outbound;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Grains.Tests.Chain;

/// <summary>A node with a few VFs (one per IOMMU group) that records reservations and bindings.</summary>
internal sealed class FakeVfPool : IVfPool
{
    private readonly ConcurrentDictionary<string, VfReservation> _reserved = new();
    private readonly Queue<string> _free;

    public FakeVfPool(int vfs = 2)
    {
        _free = new Queue<string>(Enumerable.Range(0, vfs).Select(i => $"0000:00:02.{i + 1}"));
    }

    public int ReserveCount { get; private set; }

    public List<(int Group, VfDriver Driver)> Bindings { get; } = [];

    public Exception? BindError { get; set; }

    /// <summary>Answer reserves that ask for the driver state as a node whose groups are already bound and ready (netdev <c>ready-N</c>).</summary>
    public bool DriversReady { get; set; }

    /// <summary>How many reserves asked for the driver state.</summary>
    public int DriverStateReads { get; private set; }

    public IReadOnlyDictionary<string, VfReservation> Reserved => _reserved;

    public int FreeCount
    {
        get
        {
            lock (_free)
            {
                return _free.Count;
            }
        }
    }

    public Task<VfReservation> ReserveAsync(string node, ReserveRequest request)
    {
        ReserveCount++;
        Reserves.Add(request);
        return ReserveGate is { } gate ? ReserveAfterAsync(gate.Task, request) : Reserve(request);
    }

    public List<ReserveRequest> Reserves { get; } = [];

    private async Task<VfReservation> ReserveAfterAsync(Task gate, ReserveRequest request)
    {
        await gate;
        return await Reserve(request);
    }

    private Task<VfReservation> Reserve(ReserveRequest request)
    {
        if (_reserved.TryGetValue(request.ConnectionId, out var existing))
        {
            return Task.FromResult(existing);
        }

        lock (_free)
        {
            if (!_free.TryDequeue(out var vf))
            {
                throw new VfAllocationException(VfAllocationFailure.NoFreeVf, $"no free VF for token {request.TokenId}");
            }

            var number = int.Parse(vf[^1..], System.Globalization.CultureInfo.InvariantCulture);
            var reservation = new VfReservation(request.ConnectionId, request.TokenId, "domain/10G", "0000:00:02.0", vf, number - 1, number + 10, request.Driver, DateTimeOffset.UnixEpoch);
            _reserved[request.ConnectionId] = reservation;
            DriverStateReads += request.ReadDriverState ? 1 : 0;
            return Task.FromResult(request.ReadDriverState && DriversReady
                ? reservation with { DriverReady = true, NetInterface = request.Driver == VfDriver.Kernel ? "ready-" + vf[^1..] : null }
                : reservation);
        }
    }

    /// <summary>Called at each release, before the VF goes back (a test reads what else was undone by then).</summary>
    public Action? Releasing { get; set; }

    /// <summary>When set, reserves wait for it (a test holds the node's answer back while the chain goes on).</summary>
    public TaskCompletionSource? ReserveGate { get; set; }

    public int ReleaseCount { get; private set; }

    public Task<bool> ReleaseAsync(string node, string connectionId)
    {
        Releasing?.Invoke();
        ReleaseCount++;
        if (!_reserved.TryRemove(connectionId, out var reservation))
        {
            return Task.FromResult(false);
        }

        lock (_free)
        {
            _free.Enqueue(reservation.VfAddress);
        }

        return Task.FromResult(true);
    }

    public Task BindAsync(string node, string pfAddress, int iommuGroup, VfDriver driver)
    {
        if (BindError is { } error)
        {
            return Task.FromException(error);
        }

        Bindings.Add((iommuGroup, driver));
        return Task.CompletedTask;
    }

    public Task<string?> GetVfNetInterfaceAsync(string node, string pfAddress, string vfAddress) =>
        Task.FromResult<string?>("vf-" + vfAddress[^1..]);
}

/// <summary>Device numbers of a fake /dev/vfio: the container is 10:196, group g is 240:g.</summary>
internal sealed class FakeVfioDevices : IVfioDevices
{
    public bool Missing { get; set; }

    public DeviceNumber GetContainerDevice() => new(10, 196);

    public DeviceNumber GetGroupDevice(int iommuGroup) =>
        Missing ? throw new VfioDeviceException($"VFIO device /dev/vfio/{iommuGroup} does not exist") : new DeviceNumber(240, (uint)iommuGroup);
}

/// <summary>Cgroup grants as a reference-counted set per (cgroup, device); one cgroup per pattern.</summary>
internal sealed class FakeCgroupGrants : IDeviceCgroupController
{
    public Dictionary<DeviceGrant, int> Held { get; } = [];

    public List<string> Log { get; } = [];

    public bool NoMatch { get; set; }

    /// <summary>Cgroups the test removed (their pod went away).</summary>
    public HashSet<string> Removed { get; } = [];

    public string CgroupRoot => "/sys/fs/cgroup/devices";

    public bool CgroupExists(string cgroupPath) => !Removed.Contains(cgroupPath);

    public int GetReferenceCount(DeviceGrant grant) => Held.GetValueOrDefault(grant);

    public IReadOnlyList<DeviceGrant> AllowAll(string cgroupDir, IReadOnlyList<DeviceNumber> devices) =>
        [.. devices.SelectMany(device => Allow(cgroupDir, device))];

    public IReadOnlyList<DeviceGrant> Deny(string cgroupDir, DeviceNumber device) => throw new NotSupportedException("the chain denies persisted grants");

    public IReadOnlyList<DeviceGrant> DenyAll(string cgroupDir, IReadOnlyList<DeviceNumber> devices) => throw new NotSupportedException("the chain denies persisted grants");

    public void Deny(DeviceGrant grant) => DenyGrants([grant]);

    public IReadOnlyList<DeviceGrant> Allow(string cgroupPattern, DeviceNumber device)
    {
        if (NoMatch)
        {
            throw new DeviceCgroupException($"no devices cgroup matches {cgroupPattern}");
        }

        var grant = new DeviceGrant(cgroupPattern.TrimEnd('*', '/') + "/c1", device);
        Held[grant] = Held.GetValueOrDefault(grant) + 1;
        Log.Add($"allow {grant}");
        return [grant];
    }

    public void RestoreGrants(IEnumerable<DeviceGrant> grants)
    {
        foreach (var grant in grants)
        {
            Log.Add($"restore {grant}");
            Held[grant] = Held.GetValueOrDefault(grant) + 1;
        }
    }

    public void DenyGrants(IEnumerable<DeviceGrant> grants)
    {
        foreach (var grant in grants)
        {
            Log.Add($"deny {grant}");
            if (Held.TryGetValue(grant, out var count))
            {
                if (count <= 1)
                {
                    Held.Remove(grant);
                }
                else
                {
                    Held[grant] = count - 1;
                }
            }
        }
    }
}

/// <summary>A registry holding services and endpoints in memory.</summary>
internal sealed class FakeRegistry : INsmRegistryClient
{
    public List<NetworkService> Services { get; } = [];

    public List<NetworkServiceEndpoint> Endpoints { get; } = [];

    public Task<IReadOnlyList<NetworkServiceEndpoint>> FindEndpointsByNameAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<NetworkServiceEndpoint>>(Endpoints.Where(e => e.Name == name).ToList());

    public Task<IReadOnlyList<NetworkService>> FindNetworkServicesAsync(string name, string payload, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<NetworkService>>(Services.Where(s => s.Name == name).ToList());

    public Task<IReadOnlyList<NetworkServiceEndpoint>> FindEndpointsByServiceAsync(string networkService, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<NetworkServiceEndpoint>>(Endpoints.Where(e => e.NetworkServiceNames.Contains(networkService)).ToList());

    public static FakeRegistry WithEndpoints(params string[] names)
    {
        var registry = new FakeRegistry();
        registry.Services.Add(new NetworkService { Name = "sriov-ns", Payload = "ETHERNET" });
        foreach (var name in names)
        {
            registry.Endpoints.Add(new NetworkServiceEndpoint { Name = name, Url = $"unix:///run/{name}.sock", NetworkServiceNames = { "sriov-ns" } });
        }

        return registry;
    }
}

/// <summary>
/// A next hop that answers with the request's connection and a NOOP mechanism, or fails for chosen URLs; records the
/// deadline of each Request. The request's <c>nse</c> label makes it misbehave as a real next hop would seen through
/// the next-hop client: <c>hang</c> waits until the call is cancelled (then fails Cancelled; <c>hang-raw</c> lets the
/// <see cref="OperationCanceledException"/> through, as a registry stream read does), a
/// <see cref="ForwarderErrorCode"/> name refuses with that code.
/// </summary>
internal sealed class FakeNextHop : INextHopClient
{
    public ConcurrentQueue<(string Url, NetworkServiceRequest Request)> Requests { get; } = new();

    public ConcurrentQueue<(string Url, Connection Connection)> Closes { get; } = new();

    /// <summary>The deadline each Request got, by the connection id sent to the next hop.</summary>
    public ConcurrentDictionary<string, DateTime?> Deadlines { get; } = new(StringComparer.Ordinal);

    /// <summary>The ids of the Requests that hung until they were cancelled.</summary>
    public ConcurrentQueue<string> Cancelled { get; } = new();

    public HashSet<string> Down { get; } = [];

    public async Task<Connection> RequestAsync(string url, NetworkServiceRequest request, DateTime? deadline, CancellationToken cancellationToken)
    {
        Requests.Enqueue((url, request.Clone()));
        Deadlines[request.Connection.Id] = deadline;
        if (Down.Contains(url))
        {
            throw new ForwarderException(ForwarderErrorCode.Unavailable, $"next hop {url} is unavailable");
        }

        var behaviour = request.Connection.Labels.GetValueOrDefault("nse");
        if (behaviour is "hang" or "hang-raw")
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException ex)
            {
                Cancelled.Enqueue(request.Connection.Id);
                if (behaviour == "hang-raw")
                {
                    throw;
                }

                throw new ForwarderException(ForwarderErrorCode.Cancelled, $"the next hop's Request at {url} failed: Cancelled", ex);
            }
        }

        if (Enum.TryParse<ForwarderErrorCode>(behaviour, out var refusal))
        {
            throw new ForwarderException(refusal, $"the next hop's Request at {url} failed: {refusal}: stand-in refuses");
        }

        var answer = request.Connection.Clone();
        answer.Mechanism = request.Connection.Mechanism?.Clone() ?? request.MechanismPreferences[0].Clone();
        answer.Mechanism.Parameters["nexthop"] = "yes";
        answer.Context ??= new Api.Nsm.ConnectionContext.ConnectionContext();
        answer.Context.MTU = 1500;
        return answer;
    }

    public Task CloseAsync(string url, Connection connection, CancellationToken cancellationToken)
    {
        Closes.Enqueue((url, connection.Clone()));
        return Down.Contains(url)
            ? Task.FromException(new ForwarderException(ForwarderErrorCode.Unavailable, $"next hop {url} is unavailable"))
            : Task.CompletedTask;
    }
}

/// <summary>Collects published connection events.</summary>
internal sealed class RecordingSink : IConnectionEventSink
{
    public ConcurrentQueue<(ConnectionEventType Type, Connection Connection)> Events { get; } = new();

    public void Publish(string node, ConnectionEventType type, Connection connection) => Events.Enqueue((type, connection));
}
