using System.Globalization;
using System.Text.Json;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.EndToEnd.Tests.Nsm;
using Xunit.Abstractions;

namespace SriovForwarder.EndToEnd.Tests.Fleet;

/// <summary>
/// The SR-IOV page (<c>/sriov</c> on the dashboard listener) in a real headless chromium with JavaScript: it shows the
/// node, its PFs and a VF held by a real NSM Request with its owner, and the owner disappears after the Close without
/// a reload. A screenshot is kept in the test output folder (<c>artifacts/sriov-page-*.png</c>).
/// </summary>
[Trait("Requires", "root")]
[Trait("Requires", "chromium")]
public sealed class SriovPageBrowserTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    // The page's facts the test checks, read from the live DOM.
    private const string DomFacts =
        """
        JSON.stringify({
          marker: window.__sriovTestMarker || null,
          updates: Number(document.body.dataset.updates || 0),
          nodes: [...document.querySelectorAll("section.node")].map(s => ({ name: s.dataset.node, live: s.dataset.live })),
          pfs: [...document.querySelectorAll("tr.pf")].map(r => r.dataset.pf),
          held: [...document.querySelectorAll("tr.vf[data-state=held]")].map(r => ({
            vf: r.dataset.vf, client: r.querySelector(".owner").textContent, connection: r.querySelector(".connection").textContent })),
          capacity: [...document.querySelectorAll("#capacity tbody tr")].map(r => r.dataset.resource),
          unhealthyVfsOnNodes: [...document.querySelectorAll("section.node")].map(s => Number(s.dataset.unhealthyVfs)),
          pfHealth: [...document.querySelectorAll("tr.pf")].map(r => ({
            pf: r.dataset.pf, health: r.dataset.health, reason: r.querySelector(".health").textContent,
            unhealthyVfs: Number(r.querySelector(".unhealthy-vfs").textContent) })),
          unhealthyVfs: [...document.querySelectorAll("tr.vf[data-health=unhealthy]")].map(r => ({
            vf: r.dataset.vf, pf: r.children[1].textContent, reason: r.querySelector(".health").textContent }))
        })
        """;

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private readonly NsmForwarderHarness _harness = new();
    private readonly int _dashboardPort = ForwarderProcess.FreePort();
    private StandInNsmgr _nsmgr = null!;
    private ForwarderProcess _forwarder = null!;
    private NodeClient _node = null!;

    public async Task InitializeAsync()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return;
        }

        _nsmgr = await StandInNsmgr.StartAsync(_harness.Folder);
        _forwarder = _harness.Start($"unix://{_nsmgr.RegistrySocket}", new Dictionary<string, string>
        {
            ["NSM_DASHBOARD_LISTEN_ON"] = $"127.0.0.1:{_dashboardPort.ToString(CultureInfo.InvariantCulture)}",
            ["NSM_HEALTH_RECONCILE_INTERVAL"] = "500ms",
        });
        try
        {
            // Generous: the browser test shares a busy CI machine with other forwarder processes.
            await _forwarder.WaitForLineAsync("sriov-forwarder ready", TimeSpan.FromSeconds(150));
            _node = await NodeClient.ConnectAsync(_harness.GatewayPort, NsmForwarderHarness.NodeName);
        }
        catch
        {
            // xUnit does not call DisposeAsync when InitializeAsync fails: stop the forwarder and remove its node here.
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_node is not null)
            {
                await _node.DisposeAsync();
            }

            if (_forwarder is not null)
            {
                await _forwarder.TerminateAsync(TimeSpan.FromSeconds(30));
            }
        }
        finally
        {
            if (_forwarder is not null)
            {
                await _forwarder.DisposeAsync();
            }

            if (_nsmgr is not null)
            {
                await _nsmgr.DisposeAsync();
            }

        }
    }

    // xunit calls DisposeAsync first, then this: the harness's folder goes after the processes that used it.
    public void Dispose() => _harness.Dispose();

    [RootFact("runs the forwarder as root (driver binds, vfio nodes) and a real headless chromium (CI installs it)")]
    public async Task SriovPage_HeldVfThenClose_ShowsNodePfsAndOwnerThenTheOwnerGoesWithoutReload()
    {
        _harness.AddContainerCgroup("pod-page", "c1");
        var token = (await _node.TokensAsync(NsmForwarderFixture.Resource))[0];
        using var channel = Kernel.Transport.UnixSocketChannelFactory.Create(_harness.ListenSocket, TimeSpan.FromSeconds(5));
        var client = new Api.Nsm.Networkservice.NetworkService.NetworkServiceClient(channel);
        var request = NsmForwarderFixture.VfioRequest("page-1", token, "pod-page/*");
        request.Connection.Path = new Api.Nsm.Connection.Path { Index = 0, PathSegments = { new PathSegment { Name = "nsc-page", Id = "page-1" } } };
        var connection = await client.RequestAsync(request);
        var vf = connection.Mechanism.Parameters["pciAddress"];
        await using var browser = await HeadlessChromium.StartAsync();

        await browser.NavigateAsync($"http://127.0.0.1:{_dashboardPort}/sriov");
        var shown = await FactsAsync(browser, f => f.Held.Any(h => h.Vf == vf));
        await browser.EvaluateAsync("window.__sriovTestMarker = 'no reload'");
        await browser.ScreenshotAsync(System.IO.Path.Combine(AppContext.BaseDirectory, "artifacts", "sriov-page-held.png"));
        await client.CloseAsync(connection);
        var closed = await FactsAsync(browser, f => f.Held.All(h => h.Vf != vf));
        await browser.ScreenshotAsync(System.IO.Path.Combine(AppContext.BaseDirectory, "artifacts", "sriov-page-closed.png"));

        Assert.Equal([(NsmForwarderHarness.NodeName, "true")], shown.Nodes.Select(n => (n.Name, n.Live)));
        Assert.Equal(2, shown.Pfs.Count);
        Assert.Contains(NsmForwarderFixture.Resource, shown.Capacity);
        var held = Assert.Single(shown.Held, h => h.Vf == vf);
        Assert.Equal("nsc-page", held.Client);
        Assert.Contains(held.Connection, connection.Path.PathSegments.Skip(1).Select(s => s.Id));
        Assert.Equal("no reload", closed.Marker);
        Assert.True(closed.Updates > shown.Updates, "the page updated through its event stream");
        Assert.DoesNotContain(closed.Held, h => h.Vf == vf);
    }

    [RootFact("runs the forwarder as root (its simulated PF netdevs are real veths) and a real headless chromium (CI installs it)")]
    public async Task SriovPage_PfLosesCarrier_ShowsReasonPerPfVfAndNodeThenHealthyAgainWithoutReload()
    {
        var snapshot = await _node.Node.GetSnapshotAsync();
        var pf = snapshot.PhysicalFunctions[0];
        var privateNamespace = $"sriovsim-{_harness.NodeTag}-{_forwarder.Id}";
        await using var browser = await HeadlessChromium.StartAsync();
        await browser.NavigateAsync($"http://127.0.0.1:{_dashboardPort}/sriov");
        var healthy = await FactsAsync(browser, f => f.PfHealth.Count == 2);
        await browser.EvaluateAsync("window.__sriovTestMarker = 'no reload'");

        // The peer end goes down: the PF netdev loses carrier, as a pulled cable does.
        IpCommand.Run("-n", privateNamespace, "link", "set", "p" + pf.NetInterface, "down");
        PageFacts faulted;
        try
        {
            faulted = await FactsAsync(browser, f => f.PfHealth.Any(h => h.Pf == pf.Address && h.Health == "unhealthy" && h.UnhealthyVfs > 0)
                && f.UnhealthyVfs.Count(v => v.Pf == pf.Address) == f.PfHealth.Single(h => h.Pf == pf.Address).UnhealthyVfs);
            await browser.ScreenshotAsync(System.IO.Path.Combine(AppContext.BaseDirectory, "artifacts", "sriov-page-unhealthy.png"));
        }
        finally
        {
            IpCommand.Run("-n", privateNamespace, "link", "set", "p" + pf.NetInterface, "up");
        }

        var recovered = await FactsAsync(browser, f => f.PfHealth.Count == 2 && f.PfHealth.All(h => h.Health == "healthy") && f.UnhealthyVfs.Count == 0);

        Assert.All(healthy.PfHealth, h => Assert.Equal(("healthy", "healthy", 0), (h.Health, h.Reason, h.UnhealthyVfs)));
        var sick = Assert.Single(faulted.PfHealth, h => h.Health == "unhealthy");
        Assert.Equal(pf.Address, sick.Pf);
        Assert.Contains($"{pf.NetInterface} has no carrier", sick.Reason, StringComparison.Ordinal);
        Assert.Contains("(since ", sick.Reason, StringComparison.Ordinal);
        Assert.Equal(pf.TotalVfs, sick.UnhealthyVfs);
        Assert.All(faulted.UnhealthyVfs, v => Assert.Contains("no carrier", v.Reason, StringComparison.Ordinal));
        Assert.Equal([sick.UnhealthyVfs], faulted.UnhealthyVfsOnNodes);
        Assert.Equal([0], recovered.UnhealthyVfsOnNodes);
        Assert.Equal("no reload", recovered.Marker);
    }

    private async Task<PageFacts> FactsAsync(HeadlessChromium browser, Func<PageFacts, bool> until)
    {
        PageFacts? last = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            // Null while the page is still loading (no document body yet to read): ask again.
            var json = JsonSerializer.Deserialize<string?>(await browser.EvaluateAsync(DomFacts));
            last = json is null ? last : JsonSerializer.Deserialize<PageFacts>(json, Web)!;
            if (last is not null && until(last))
            {
                return last;
            }

            await Task.Delay(50);
        }

        output.WriteLine($"last page facts: {JsonSerializer.Serialize(last)}");
        throw new TimeoutException("the page did not show the expected state in 20 s");
    }

    private sealed record PageFacts(
        string? Marker, int Updates, List<PageNode> Nodes, List<string> Pfs, List<PageHeld> Held, List<string> Capacity,
        List<int> UnhealthyVfsOnNodes, List<PagePfHealth> PfHealth, List<PageVfHealth> UnhealthyVfs);

    private sealed record PagePfHealth(string Pf, string Health, string Reason, int UnhealthyVfs);

    private sealed record PageVfHealth(string Vf, string Pf, string Reason);

    private sealed record PageNode(string Name, string Live);

    private sealed record PageHeld(string Vf, string Client, string Connection);
}
