using System.Globalization;
using Grpc.Net.Client;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.EndToEnd.Tests.Nsm;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.EndToEnd.Tests.Ops;

/// <summary>
/// One real forwarder (<c>--simulate</c>, as root) with every listener on (NSM socket, NSM TCP, dashboard, diagnostics, ops)
/// and <c>TELEMETRY=true</c> towards a stand-in OTLP collector; a stand-in NSMgr behind it.
/// </summary>
public sealed class OpsForwarderFixture : IAsyncLifetime
{
    private GrpcChannel? _channel;

    public NsmForwarderHarness Harness { get; } = new();

    public StandInNsmgr Nsmgr { get; private set; } = null!;

    public StandInOtlpReceiver Collector { get; private set; } = null!;

    public ForwarderProcess Forwarder { get; private set; } = null!;

    public NodeClient Node { get; private set; } = null!;

    public NetworkService.NetworkServiceClient Client { get; private set; } = null!;

    public int OpsPort { get; } = ForwarderProcess.FreePort();

    public int DashboardPort { get; } = ForwarderProcess.FreePort();

    public int PprofPort { get; } = ForwarderProcess.FreePort();

    public int NsmTcpPort { get; } = ForwarderProcess.FreePort();

    public async Task InitializeAsync()
    {
        Collector = await StandInOtlpReceiver.StartAsync();
        Nsmgr = await StandInNsmgr.StartAsync(Harness.Folder);
        Forwarder = Harness.Start($"unix://{Nsmgr.RegistrySocket}", new Dictionary<string, string>
        {
            ["NSM_OPS_LISTEN_ON"] = $"127.0.0.1:{OpsPort.ToString(CultureInfo.InvariantCulture)}",
            ["NSM_DASHBOARD_LISTEN_ON"] = $"127.0.0.1:{DashboardPort.ToString(CultureInfo.InvariantCulture)}",
            ["NSM_PPROF_ENABLED"] = "true",
            ["NSM_PPROF_LISTEN_ON"] = $"127.0.0.1:{PprofPort.ToString(CultureInfo.InvariantCulture)}",
            ["NSM_LISTEN_ON_TCP"] = $"127.0.0.1:{NsmTcpPort.ToString(CultureInfo.InvariantCulture)}",
            ["TELEMETRY"] = "true",
            ["NSM_OPEN_TELEMETRY_ENDPOINT"] = Collector.Endpoint,
            ["NSM_METRICS_EXPORT_INTERVAL"] = "1s",
            // The simulated kernel answers driver binds from a thread of its own; 1 s (the default) is short on a busy machine.
            ["NSM_DRIVER_BIND_TIMEOUT"] = "10s",
        });
        await Forwarder.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
        Node = await NodeClient.ConnectAsync(Harness.GatewayPort, NsmForwarderHarness.NodeName);
        _channel = UnixSocketChannelFactory.Create(Harness.ListenSocket, TimeSpan.FromSeconds(5));
        Client = new NetworkService.NetworkServiceClient(_channel);
    }

    /// <summary>A token of the fixture's resource that no reservation holds now.</summary>
    public async Task<string> FreeTokenAsync()
    {
        var snapshot = await Node.Node.GetSnapshotAsync();
        var held = snapshot.Reservations.Select(r => r.TokenId).ToHashSet(StringComparer.Ordinal);
        return (await Node.TokensAsync(NsmForwarderFixture.Resource)).First(t => !held.Contains(t));
    }

    public async Task DisposeAsync()
    {
        try
        {
            _channel?.Dispose();
            await Node.DisposeAsync();
            await Forwarder.TerminateAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await Forwarder.DisposeAsync();
            await Nsmgr.DisposeAsync();
            await Collector.DisposeAsync();
            Harness.Dispose();
        }
    }
}
