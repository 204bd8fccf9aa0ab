using System.Globalization;
using SriovForwarder.EndToEnd.Tests.Nsm;

namespace SriovForwarder.EndToEnd.Tests.Fleet;

/// <summary>One forwarder of a test fleet: its own simulated node, clustered through a real Redis, with known ports.</summary>
public sealed class FleetNodeProcess : IAsyncDisposable
{
    private readonly NsmForwarderHarness _harness = new();

    private FleetNodeProcess(string name) => Name = name;

    public string Name { get; }

    public ForwarderProcess Process { get; private set; } = null!;

    public int SiloPort { get; } = ForwarderProcess.FreePort();

    public int FleetPort { get; } = ForwarderProcess.FreePort();

    public int DashboardPort { get; } = ForwarderProcess.FreePort();

    public int GatewayPort => _harness.GatewayPort;

    /// <summary>The simulated node's private namespace, where the peers of its PF veths live (to pull a PF's cable).</summary>
    public string PrivateNamespace => string.Create(CultureInfo.InvariantCulture, $"sriovsim-{_harness.NodeTag}-{Process.Id}");

    /// <summary>The fleet API's address as <c>host:port</c>.</summary>
    public string FleetAddress => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{FleetPort}");

    /// <summary>Starts the forwarder (not waiting for it to be ready).</summary>
    public static FleetNodeProcess Start(string name, RedisServer redis, string? connectTo = null)
    {
        var node = new FleetNodeProcess(name);
        node.Process = node._harness.Start(connectTo ?? "unix:///nonexistent/nsm.io.sock", new Dictionary<string, string>
        {
            ["NSM_NODE_NAME"] = name,
            ["NSM_CLUSTERING"] = "redis",
            ["NSM_REDIS_CONNECTION_STRING"] = redis.ConnectionString,
            ["NSM_ADVERTISED_IP"] = "127.0.0.1",
            ["NSM_SILO_PORT"] = node.SiloPort.ToString(CultureInfo.InvariantCulture),
            ["NSM_FLEET_LISTEN_ON"] = node.FleetAddress,
            ["NSM_DASHBOARD_LISTEN_ON"] = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{node.DashboardPort}"),
        });
        return node;
    }

    /// <summary>Three forwarders start at once on a shared CI machine: each gets more than the single-process start timeout.</summary>
    public Task WaitReadyAsync() => Process.WaitForLineAsync("sriov-forwarder ready", TimeSpan.FromSeconds(150));

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!Process.HasExited)
            {
                await Process.TerminateAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (OperationCanceledException)
        {
            // Still stopping after 30 s (a start cut short on a loaded machine): killed below rather than hiding the
            // test's own failure behind this one.
        }
        finally
        {
            await Process.DisposeAsync();
            _harness.Dispose();
        }
    }
}
