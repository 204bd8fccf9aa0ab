namespace SriovForwarder.EndToEnd.Tests;

/// <summary>The real executable on a SIMULATED SR-IOV node, as the README's first command runs it.</summary>
public sealed class SimulatedForwarderTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("sriov-e2e-").FullName;

    public void Dispose()
    {
        KeptSimulatedNode.RemoveLeftovers(Path.Combine(_folder, "node"));
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Simulate_StartsServesDashboardAndDiagnosticsAndStopsCleanlyOnSigterm()
    {
        var dashboardPort = ForwarderProcess.FreePort();
        var diagnosticsPort = ForwarderProcess.FreePort();
        var environment = Environment(dashboardPort);
        environment["NSM_PPROF_ENABLED"] = "true";
        environment["NSM_PPROF_LISTEN_ON"] = $"127.0.0.1:{diagnosticsPort}";
        await using var forwarder = ForwarderProcess.Start(["--simulate=pfs=2,vfs=4"], environment);

        await forwarder.WaitForLineAsync("sriov-forwarder ready on node e2e-node", StartTimeout);
        var inventory = await forwarder.WaitForLineAsync("Node e2e-node: 2 PFs with 8 VFs", StartTimeout);
        using var http = new HttpClient();
        var page = await http.GetAsync(new Uri($"http://127.0.0.1:{dashboardPort}/dashboard"));
        var html = await page.Content.ReadAsStringAsync();
        var runtime = await http.GetStringAsync(new Uri($"http://127.0.0.1:{diagnosticsPort}/debug/runtime"));
        var exitCode = await forwarder.TerminateAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("service.domain.1/intel=8", inventory, StringComparison.Ordinal);
        Assert.True(page.IsSuccessStatusCode, $"dashboard answered {(int)page.StatusCode}");
        Assert.Contains("Orleans", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"workingSetBytes\":", runtime, StringComparison.Ordinal);
        Assert.Equal(0, exitCode);
        Assert.Contains("Startup completed in", forwarder.Output, StringComparison.Ordinal);
        // No SPIFFE_ENDPOINT_SOCKET: plaintext, said loudly.
        Assert.Contains(forwarder.Output.Split(System.Environment.NewLine), l => l.Contains(" warn: ", StringComparison.Ordinal) && l.Contains("runs PLAINTEXT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Simulate_WithAFolder_ReusesTheSameNodeAfterARestart()
    {
        var node = Path.Combine(_folder, "node");
        await using (var first = ForwarderProcess.Start(["--simulate", "--simulate-dir", node], Environment(ForwarderProcess.FreePort())))
        {
            await first.WaitForLineAsync("sriov-forwarder ready", StartTimeout);
            Assert.Equal(0, await first.TerminateAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("reused: False", first.Output, StringComparison.Ordinal);
        }

        await using var second = ForwarderProcess.Start(["--simulate", "--simulate-dir", node], Environment(ForwarderProcess.FreePort()));
        await second.WaitForLineAsync("sriov-forwarder ready", StartTimeout);
        Assert.Equal(0, await second.TerminateAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("reused: True", second.Output, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(node, "state")), "the forwarder state lives beside the reused node");
    }

    [Fact]
    public async Task BadConfiguration_ExitsWithCode2AndNamesEveryBadVariable()
    {
        var environment = new Dictionary<string, string>(Environment(ForwarderProcess.FreePort()))
        {
            ["NSM_DIAL_TIMEOUT"] = "5 sec",
            ["NSM_LABELS"] = "a:b:c",
        };
        await using var forwarder = ForwarderProcess.Start(["--simulate"], environment);

        var exitCode = await forwarder.WaitForExitAsync(StartTimeout);

        Assert.Equal(2, exitCode);
        Assert.Contains("NSM_DIAL_TIMEOUT=\"5 sec\"", forwarder.Output, StringComparison.Ordinal);
        Assert.Contains("NSM_LABELS=\"a:b:c\"", forwarder.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsTheVariablesAndExitsWithCode0()
    {
        await using var forwarder = ForwarderProcess.Start(["--help"], new Dictionary<string, string>());

        var exitCode = await forwarder.WaitForExitAsync(StartTimeout);

        Assert.Equal(0, exitCode);
        Assert.Contains("NSM_SRIOV_CONFIG_FILE", forwarder.Output, StringComparison.Ordinal);
        Assert.Contains("--simulate", forwarder.Output, StringComparison.Ordinal);
        Assert.Contains("UNSET: all of it is PLAINTEXT", forwarder.Output, StringComparison.Ordinal);
    }

    private Dictionary<string, string> Environment(int dashboardPort) => new()
    {
        ["NSM_NODE_NAME"] = "e2e-node",
        ["NSM_DASHBOARD_LISTEN_ON"] = $"127.0.0.1:{dashboardPort}",
        ["NSM_SILO_PORT"] = ForwarderProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["NSM_GATEWAY_PORT"] = ForwarderProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["NSM_DEVICE_PLUGIN_PATH"] = Path.Combine(_folder, "device-plugins"),
        ["NSM_POD_RESOURCES_PATH"] = Path.Combine(_folder, "pod-resources"),
        ["NSM_CONNECT_TO"] = $"unix://{Path.Combine(_folder, "nsm.io.sock")}",
        ["NSM_LISTEN_ON"] = $"unix://{Path.Combine(_folder, "listen_on.io.sock")}",
    };
}
