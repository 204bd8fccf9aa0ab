using System.Globalization;
using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>
/// Kills the real executable with SIGKILL again and again while KERNEL, VFIO and NOOP clients request, refresh and close
/// (root): half the kills at named fault-injection points between persistence steps (<c>NSM_TEST_CRASH_POINT</c>),
/// half at random times. After each restart every unanswered or unclosed connection is retried with its connection id
/// and closed; at the end nothing may be held: no reservation, every token free, no cgroup rule, every VF netdev back.
/// </summary>
[Trait("Requires", "root")]
public sealed class CrashEndToEndTests : IDisposable
{
    // The points a Request passes, then those a Close passes (decision 007).
    private static readonly string[] CrashPoints =
    [
        "connection.request.intent-written", "node.reserve-written", "pool.bound", "vfio.intent-written", "vfio.granted",
        "inject.intent-written", "inject.moved", "connect.intent-written", "connect.answered", "connection.request.established",
        "connection.close.intent-written", "vfio.revoked", "inject.moved-back", "node.release-written",
    ];

    private const string Simulate = "pfs=2,vfs=4";
    private readonly NsmForwarderHarness _harness = new();
    private readonly List<ClientNamespace> _namespaces = [];

    public void Dispose()
    {
        foreach (var ns in _namespaces)
        {
            ns.Dispose();
        }

        _harness.Dispose();
    }

    [RootFact("runs the forwarder as root on a simulated node with real veths")]
    public async Task SigkillAtNamedPointsAndRandomTimes_RetryAndCloseEverything_NothingHeldNothingLeft()
    {
        var kills = int.Parse(Environment.GetEnvironmentVariable("SRIOV_CRASH_TEST_KILLS") ?? "50", CultureInfo.InvariantCulture);
        var seed = Environment.TickCount;
        var random = new Random(seed);
        await using var nsmgr = await StandInNsmgr.StartAsync(_harness.Folder);
        var connectTo = $"unix://{nsmgr.RegistrySocket}";
        var cgroups = new List<FakeDevicesCgroup>();
        var clients = await CreateClientsAsync(connectTo, cgroups);
        var ledger = new CrashLedger();

        for (var round = 0; round < kills; round++)
        {
            var armed = round % 2 == 0 ? $"{CrashPoints[round / 2 % CrashPoints.Length]}#{1 + random.Next(2)}" : null;
            await RunRoundAsync(connectTo, clients, ledger, armed, random);
        }

        // The last start is not armed: everything left over is retried and closed, then nothing may be held.
        await using var last = _harness.Start(connectTo, simulate: Simulate);
        await last.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
        await CheckMonitorListsEstablishedAsync(clients, ledger);
        using (var channel = UnixSocketChannelFactory.Create(_harness.ListenSocket, TimeSpan.FromSeconds(5)))
        {
            foreach (var client in clients)
            {
                Assert.True(await client.SettleAsync(new NetworkService.NetworkServiceClient(channel), ledger), $"settling {client.Name} failed; {ledger}");
            }
        }

        await using var node = await NodeClient.ConnectAsync(_harness.GatewayPort, NsmForwarderHarness.NodeName);
        var end = await node.Node.GetSnapshotAsync();
        var context = $"seed {seed}; {ledger}; violations: {string.Join(" | ", ledger.Violations)}; unexpected errors: {string.Join(" | ", ledger.UnexpectedErrors)}";

        Assert.True(ledger.Violations.IsEmpty, context);
        Assert.True(ledger.UnexpectedErrors.IsEmpty, context);
        Assert.True(ledger.NamedKills >= kills / 4, $"too few named points were reached: {context}");
        Assert.Empty(end.Reservations);
        Assert.All(end.Resources, r => Assert.Equal((r.Tokens, 0, 0), (r.Free + r.Allocated, r.InUse, r.Closed)));
        Assert.All(await node.Node.GetDevicesAsync(NsmForwarderFixture.Resource) is { } devices ? devices.Devices : [], d => Assert.True(d.Healthy, $"{d.Id} unhealthy; {context}"));
        Assert.All(cgroups, c => Assert.Equal(FakeDevicesCgroup.ContainerDefaults.Order(), c.ReadList().Order()));
        Assert.All(_namespaces, ns => Assert.Equal(["lo"], ns.Json("link", "show").EnumerateArray().Select(l => l.GetProperty("ifname").GetString())));
        var vfNetdevs = VfNetdevsOfTheNode();
        Assert.Equal(end.PhysicalFunctions.Sum(pf => pf.TotalVfs), vfNetdevs.Count);
        Console.WriteLine($"crash test: {context}");
    }

    private async Task<List<CrashClient>> CreateClientsAsync(string connectTo, List<FakeDevicesCgroup> cgroups)
    {
        IReadOnlyList<string> tokens;
        await using (var first = _harness.Start(connectTo, simulate: Simulate))
        {
            await first.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
            await using var node = await NodeClient.ConnectAsync(_harness.GatewayPort, NsmForwarderHarness.NodeName);
            tokens = await node.TokensAsync(NsmForwarderFixture.Resource);
        }

        var clients = new List<CrashClient>();
        for (var i = 0; i < 2; i++)
        {
            var ns = new ClientNamespace();
            _namespaces.Add(ns);
            clients.Add(new CrashClient($"kernel{i}", "KERNEL", tokens[i], new Dictionary<string, string> { ["name"] = $"nsm-crash{i}", ["inodeURL"] = ns.FileUrl }));
        }

        for (var i = 0; i < 2; i++)
        {
            cgroups.Add(_harness.AddContainerCgroup($"pod-crash-{i}", "c1"));
            clients.Add(new CrashClient($"vfio{i}", "VFIO", tokens[2 + i], new Dictionary<string, string> { ["cgroupDir"] = $"pod-crash-{i}/*" }));
        }

        clients.Add(new CrashClient("noop0", "NOOP", null, new Dictionary<string, string>()));
        return clients;
    }

    private async Task RunRoundAsync(string connectTo, List<CrashClient> clients, CrashLedger ledger, string? armed, Random random)
    {
        // No dashboard: it is not under test and each of the many starts is quicker without it.
        var extra = new Dictionary<string, string> { ["NSM_DASHBOARD_LISTEN_ON"] = string.Empty };
        if (armed is not null)
        {
            extra["NSM_TEST_CRASH_POINT"] = armed;
        }

        await using var forwarder = _harness.Start(connectTo, extra, Simulate);
        try
        {
            await forwarder.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
        }
        catch (TimeoutException) when (armed is not null && forwarder.HasExited)
        {
            // The armed point was reached by the start-up reconcile pass, which was undoing the previous crash.
            ledger.NamedKills++;
            ledger.NamedKillsDuringRecovery++;
            return;
        }

        await CheckMonitorListsEstablishedAsync(clients, ledger);
        using var stop = new CancellationTokenSource();
        using var channel = UnixSocketChannelFactory.Create(_harness.ListenSocket, TimeSpan.FromSeconds(5));
        var nsm = new NetworkService.NetworkServiceClient(channel);
        var settled = (await Task.WhenAll(clients.Select(c => c.SettleAsync(nsm, ledger)))).All(ok => ok);

        var workload = settled ? Task.WhenAll(clients.Select(c => Task.Run(() => c.RunAsync(nsm, ledger, stop.Token)))) : Task.CompletedTask;
        var waitFor = armed is null ? TimeSpan.FromMilliseconds(random.Next(50, 1500)) : TimeSpan.FromSeconds(3);
        var exited = forwarder.WaitForExitAsync(waitFor);
        if (await Task.WhenAny(exited, Task.Delay(waitFor + TimeSpan.FromSeconds(1))) == exited && exited.IsCompletedSuccessfully)
        {
            ledger.NamedKills++;
        }
        else
        {
            await forwarder.KillAsync();
            ledger.RandomKills++;
        }

        var deathSeenAt = DateTime.UtcNow;
        if (Environment.GetEnvironmentVariable("SRIOV_CRASH_TEST_LOGS") is { Length: > 0 } logs)
        {
            await File.AppendAllTextAsync(logs, $"===== round armed {armed}{Environment.NewLine}{forwarder.Output}{Environment.NewLine}");
        }
        await stop.CancelAsync();
        await workload;
        ledger.SortFailedCalls(deathSeenAt);
    }

    // Every connection a client saw answered and did not start closing is established: after a restart the monitor lists it.
    private async Task CheckMonitorListsEstablishedAsync(List<CrashClient> clients, CrashLedger ledger)
    {
        var expected = clients.Select(c => c.Leftover).Where(l => l is { Answer: not null, CloseSent: false })
            .Select(l => l!.Answer!.Path.PathSegments.First(s => s.Name == NsmForwarderHarness.ForwarderName).Id)
            .ToList();
        if (expected.Count == 0)
        {
            return;
        }

        using var channel = UnixSocketChannelFactory.Create(_harness.ListenSocket, TimeSpan.FromSeconds(5));
        using var call = new MonitorConnection.MonitorConnectionClient(channel)
            .MonitorConnections(new MonitorScopeSelector(), deadline: DateTime.UtcNow.AddSeconds(10));
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var initial = call.ResponseStream.Current;
        foreach (var id in expected)
        {
            ledger.Check(initial.Connections.ContainsKey(id), $"established connection {id} is not listed by MonitorConnections after a restart");
            ledger.ListedAfterRestart++;
        }
    }

    // VF netdevs are in the host namespace while on their kernel driver and in the simulated node's own namespace while
    // on vfio-pci: together they must be all of them, and none may be left in a client namespace.
    private List<string> VfNetdevsOfTheNode()
    {
        var prefix = "sv" + _harness.NodeTag;
        var simulated = IpCommand.Run("netns", "list").Split('\n')
            .Select(l => l.Split(' ')[0]).First(n => n.StartsWith("sriovsim-" + _harness.NodeTag, StringComparison.Ordinal));
        return [.. KernelEndToEndTests.HostLinks().Concat(IpCommand.Run("-n", simulated, "-o", "link", "show").Split('\n')
                .Select(l => l.Split(':', StringSplitOptions.TrimEntries).ElementAtOrDefault(1)?.Split('@')[0] ?? string.Empty))
            .Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, $"^{prefix}p[0-9]+v[0-9]+$"))
            .Distinct()];
    }
}
