using System.Globalization;
using System.Text.RegularExpressions;

namespace SriovForwarder.EndToEnd.Tests.Demo;

/// <summary>
/// The README's demo: a <c>--simulate</c> forwarder without NSM_CONNECT_TO runs the stand-in control plane, and
/// <c>sriov-forwarder connect</c> (another process of the same executable) plays the pod: a VF netdev with the
/// endpoint's address appears in a real namespace and on the /sriov page's data, and both go away at SIGTERM.
/// </summary>
[Trait("Requires", "root")]
public sealed partial class ConnectDemoEndToEndTests
{
    // The node reports to the fleet within a second; 10 s (before) was short for a CI machine running other classes' forwarders.
    private static readonly TimeSpan PagePatience = TimeSpan.FromSeconds(30);

    [RootFact("runs the forwarder as root: a real namespace and a real veth as the VF")]
    public async Task Connect_Kernel_VfWithAddressInANamespaceAndOnThePageThenGoneAtSigterm()
    {
        var folder = Directory.CreateTempSubdirectory("sriov-demo-e2e-").FullName;
        var node = Path.Combine(folder, "node");
        var dashboardPort = ForwarderProcess.FreePort();
        try
        {
            await using var forwarder = ForwarderProcess.Start(["--simulate=pfs=1,vfs=2", "--simulate-dir", node], new Dictionary<string, string>
            {
                ["NSM_NODE_NAME"] = "demo-node",
                ["NSM_DASHBOARD_LISTEN_ON"] = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{dashboardPort}"),
                ["NSM_SILO_PORT"] = ForwarderProcess.FreePort().ToString(CultureInfo.InvariantCulture),
                ["NSM_GATEWAY_PORT"] = ForwarderProcess.FreePort().ToString(CultureInfo.InvariantCulture),
                ["NSM_POD_RESOURCES_PATH"] = Path.Combine(folder, "pod-resources"),
            });
            await forwarder.WaitForLineAsync("sriov-forwarder ready", TimeSpan.FromSeconds(150));
            Assert.Contains("STAND-IN NSM control plane", forwarder.Output, StringComparison.Ordinal);

            await using var client = ForwarderProcess.Start(["connect", "--simulate-dir", node, "--mechanism", "KERNEL"], new Dictionary<string, string>());
            await client.WaitForLineAsync("holding the connection", TimeSpan.FromSeconds(90));
            var pod = NamespaceLine().Match(client.Output).Groups[1].Value;
            var vf = VfLine().Match(client.Output).Groups[1].Value;
            Assert.Matches("^sriov-demo-[0-9a-f]{6}$", pod);
            Assert.Matches("^0000:", vf);
            Assert.Contains("seen there: 172.30.0.2/24", client.Output, StringComparison.Ordinal);

            // What a user checks with ip: the VF netdev, renamed, up, with the endpoint's address, inside the pod's namespace.
            var inside = IpCommand.Run("-n", pod, "-j", "addr", "show", "dev", "nsm-demo");
            Assert.Contains("\"local\":\"172.30.0.2\"", inside, StringComparison.Ordinal);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{dashboardPort}") };
            var page = await Eventually.ValueAsync(() => http.GetStringAsync(new Uri("/sriov/fleet.json", UriKind.Relative)),
                json => json.Contains("sriov-demo-client", StringComparison.Ordinal), PagePatience);
            Assert.Contains(vf, page, StringComparison.Ordinal);

            Assert.Equal(0, await client.TerminateAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains($"namespace {pod} deleted", client.Output, StringComparison.Ordinal);
            Assert.False(File.Exists("/var/run/netns/" + pod));
            // The page's data drops the owner once the Close is reported (the wait's result is checked: a wait that ran
            // out used to pass unnoticed).
            var afterClose = await Eventually.ValueAsync(() => http.GetStringAsync(new Uri("/sriov/fleet.json", UriKind.Relative)),
                json => !json.Contains("sriov-demo-client", StringComparison.Ordinal), PagePatience);
            Assert.DoesNotContain("sriov-demo-client", afterClose, StringComparison.Ordinal);
            Assert.Equal(0, await forwarder.TerminateAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            KeptSimulatedNode.RemoveLeftovers(node);
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Connect_NoDemoForwarderInTheFolder_SaysWhereItLookedWithExitCode3()
    {
        var folder = Directory.CreateTempSubdirectory("sriov-demo-e2e-").FullName;
        try
        {
            await using var client = ForwarderProcess.Start(["connect", "--simulate-dir", folder], new Dictionary<string, string>());
            Assert.Equal(3, await client.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains($"no demo forwarder in {folder}", client.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [GeneratedRegex(@"in network namespace (\S+)")]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"VF:\s+(\S+)")]
    private static partial Regex VfLine();
}
