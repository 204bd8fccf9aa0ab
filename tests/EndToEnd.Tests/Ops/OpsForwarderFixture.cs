using System.Globalization;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.EndToEnd.Tests.Nsm;

namespace SriovForwarder.EndToEnd.Tests.Ops;

/// <summary>
/// One real forwarder (<c>--simulate</c>, as root) with every listener on (NSM socket, NSM TCP, dashboard, diagnostics, ops)
/// and <c>TELEMETRY=true</c> towards a stand-in OTLP collector; a stand-in NSMgr behind it.
/// </summary>
public sealed class OpsForwarderFixture : IAsyncLifetime
{
    private ConnectedForwarder? _running;

    public NsmForwarderHarness Harness { get; } = new();

    public StandInNsmgr Nsmgr { get; private set; } = null!;

    public StandInOtlpReceiver Collector { get; private set; } = null!;

    public ForwarderProcess Forwarder => _running!.Forwarder;

    public NodeClient Node => _running!.Node;

    public NetworkService.NetworkServiceClient Client { get; private set; } = null!;

    public int OpsPort { get; } = ForwarderProcess.FreePort();

    public int DashboardPort { get; } = ForwarderProcess.FreePort();

    public int PprofPort { get; } = ForwarderProcess.FreePort();

    public int NsmTcpPort { get; } = ForwarderProcess.FreePort();

    public async Task InitializeAsync()
    {
        // On a port from the same hand-out as the forwarders' listeners: one the kernel picked could be one of theirs,
        // handed out to a forwarder of another test class that has not bound it yet.
        Collector = await StandInOtlpReceiver.StartAsync(ForwarderProcess.FreePort());
        Nsmgr = await StandInNsmgr.StartAsync(Harness.Folder);
        var forwarder = Harness.Start($"unix://{Nsmgr.RegistrySocket}", new Dictionary<string, string>
        {
            ["NSM_OPS_LISTEN_ON"] = $"127.0.0.1:{OpsPort.ToString(CultureInfo.InvariantCulture)}",
            ["NSM_DASHBOARD_LISTEN_ON"] = $"127.0.0.1:{DashboardPort.ToString(CultureInfo.InvariantCulture)}",
            ["NSM_PPROF_ENABLED"] = "true",
            ["NSM_PPROF_LISTEN_ON"] = $"127.0.0.1:{PprofPort.ToString(CultureInfo.InvariantCulture)}",
            ["NSM_LISTEN_ON_TCP"] = $"127.0.0.1:{NsmTcpPort.ToString(CultureInfo.InvariantCulture)}",
            ["TELEMETRY"] = "true",
            ["NSM_OPEN_TELEMETRY_ENDPOINT"] = Collector.Endpoint,
            ["NSM_METRICS_EXPORT_INTERVAL"] = "1s",
        });
        _running = await ConnectedForwarder.ConnectAsync(Harness, forwarder);
        Client = new NetworkService.NetworkServiceClient(_running.Channel);
    }

    /// <summary>A token of the fixture's resource that no reservation holds now.</summary>
    public Task<string> FreeTokenAsync() => Node.FreeTokenAsync(NsmForwarderFixture.Resource);

    public Task DisposeAsync() => ConnectedForwarder.StopAsync(_running, Harness, Nsmgr, Collector);
}
