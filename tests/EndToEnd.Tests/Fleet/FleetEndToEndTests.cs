using System.Diagnostics;
using System.Text.Json;
using Grpc.Net.Client;
using Orleans.Runtime;
using SriovForwarder.Api.Fleet.V1;
using SriovForwarder.EndToEnd.Tests.Nsm;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Silo.Extensions;
using Xunit.Abstractions;

namespace SriovForwarder.EndToEnd.Tests.Fleet;

/// <summary>
/// Three real forwarder processes, each on its own simulated node, clustered through a real Redis: the fleet API and the
/// CLI show all three with their capacity, a reservation reaches a watcher at once, a node stopped with SIGTERM shows
/// down within 2 s, and one killed with SIGKILL shows down when membership declares it dead, its node grain never
/// activated elsewhere.
/// </summary>
[Trait("Requires", "root")]
[Trait("Requires", "redis-server")]
public sealed class FleetEndToEndTests(ITestOutputHelper output)
{
    private const string Resource = NsmForwarderFixture.Resource;

    [RootFact("runs three forwarders as root on simulated nodes with real veths")]
    public async Task ThreeNodes_ApiCliWatchStopAndKill_ShowCapacityReservationsAndLiveness()
    {
        var folder = Directory.CreateTempSubdirectory("sriov-fleet-e2e-").FullName;
        try
        {
            await using var redis = await RedisServer.StartAsync(folder);
            await using var a = FleetNodeProcess.Start("node-a", redis);
            await using var b = FleetNodeProcess.Start("node-b", redis);
            await using var c = FleetNodeProcess.Start("node-c", redis);
            await Task.WhenAll(a.WaitReadyAsync(), b.WaitReadyAsync(), c.WaitReadyAsync());
            FleetNodeProcess[] nodes = [a, b, c];

            // Whole fleet through the API: three live nodes, 4 tokens of the resource each (pfs=2,vfs=2).
            using var channel = GrpcChannel.ForAddress("http://" + a.FleetAddress);
            var api = new Api.Fleet.V1.Fleet.FleetClient(channel);
            var view = await Eventually.ValueAsync(
                async () => await api.GetFleetAsync(new GetFleetRequest()),
                v => v.Nodes.Count(n => n.Live && n.Reported) == 3,
                TimeSpan.FromSeconds(30),
                TimeSpan.FromMilliseconds(200));
            Assert.Equal(["node-a", "node-b", "node-c"], view.Nodes.Select(n => n.Name));
            Assert.All(view.Nodes, n => Assert.Equal((4, 4), (n.TokenPools.Single(p => p.ResourceName == Resource).Tokens, n.TokenPools.Single(p => p.ResourceName == Resource).Free)));
            Assert.All(view.Nodes, n => Assert.Equal(2, n.PhysicalFunctions.Count));
            var capacity = Assert.Single(view.Capacity, r => r.ResourceName == Resource);
            Assert.Equal((3, 12, 12), (capacity.Nodes, capacity.Tokens, capacity.Free));

            // The same through the CLI, as tables and as JSON, from another node's fleet API.
            var table = await FleetCli.RunAsync("--address", b.FleetAddress);
            Assert.True(table.ExitCode == 0, $"fleet exited {table.ExitCode}: {table.Error}");
            Assert.All(["node-a", "node-b", "node-c"], n => Assert.Contains(table.Output.Split('\n'), l => l.StartsWith(n + " ", StringComparison.Ordinal) && l.Contains(" yes ", StringComparison.Ordinal)));
            var json = await FleetCli.RunAsync("--json", "--address", b.FleetAddress);
            using (var document = JsonDocument.Parse(json.Output))
            {
                Assert.Equal(3, document.RootElement.GetProperty("nodes").GetArrayLength());
            }

            var found = await FleetCli.RunAsync("find", Resource, "4", "--driver", "kernel", "--address", c.FleetAddress);
            Assert.True(found.ExitCode == 0, $"fleet find exited {found.ExitCode}: {found.Error}");
            Assert.Equal(3, found.Output.Split('\n').Count(l => l.StartsWith("node-", StringComparison.Ordinal) && l.TrimEnd().EndsWith(" 4", StringComparison.Ordinal)));

            // Keep the node hosting the fleet grain (and serving the watch) up; stop one of the others (SIGTERM), then kill the last (SIGKILL).
            await using var client = await NodeClient.ConnectAsync(a.GatewayPort, "node-a");
            var fleetSilo = await client.Grains.GetGrain<IManagementGrain>(0).GetActivationAddress(client.Grains.GetGrain<IFleetGrain>(IFleetGrain.Key));
            var host = nodes.Single(n => n.SiloPort == fleetSilo!.Endpoint.Port);
            var (stopped, killed) = nodes.Where(n => n != host).ToArray() switch { var others => (others[0], others[1]) };
            await using var watch = WatchRecorder.Start(host.FleetAddress);
            await watch.WaitAsync(ch => ch.Initial && ch.Node.Name == killed.Name, 0, TimeSpan.FromSeconds(10));

            // A reservation (and its release) reaches the watcher at once: timed from the call to the change's arrival.
            var tokens = (await client.Grains.GetGrain<INodeGrain>(killed.Name).GetDevicesAsync(Resource)).Devices.Select(d => d.Id).ToList();
            var latencies = new List<double>();
            for (var i = 0; i < 10; i++)
            {
                var connection = $"fleet-e2e-{i}";
                var started = Stopwatch.GetTimestamp();
                await client.Grains.GetGrain<INodeGrain>(killed.Name).ReserveAsync(
                    new ReserveRequest(connection, tokens[i % tokens.Count], VfDriver.Kernel, new VfOwner("nsc-e2e", "ns-e2e", "KERNEL")));
                var (held, at) = await watch.WaitAsync(ch => ch.Node.Name == killed.Name && HeldBy(ch.Node, connection) is not null, started, TimeSpan.FromSeconds(5));
                latencies.Add(Stopwatch.GetElapsedTime(started, at).TotalMilliseconds);
                var owner = HeldBy(held.Node, connection)!;
                Assert.Equal(("nsc-e2e", "ns-e2e", "KERNEL"), (owner.Client, owner.NetworkService, owner.Mechanism));
                // The release shows too: the held VF's owner goes from the watched node.
                var releasedAt = Stopwatch.GetTimestamp();
                await client.Grains.GetGrain<INodeGrain>(killed.Name).ReleaseAsync(connection);
                var (released, _) = await watch.WaitAsync(ch => ch.Node.Name == killed.Name && !ch.Initial && HeldBy(ch.Node, connection) is null, releasedAt, TimeSpan.FromSeconds(5));
                Assert.True(released.Node.Live);
            }

            latencies.Sort();
            output.WriteLine($"reservation -> watch: median {latencies[latencies.Count / 2]:F1} ms, max (p99 of {latencies.Count}) {latencies[^1]:F1} ms; sorted: {string.Join(", ", latencies.Select(l => l.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))}");
            // Asserted at the end, so a loaded machine's slow median does not hide what the departures show.

            // Asked of the node still up: node-a, whose API the test used so far, may be the one that leaves.
            using var hostChannel = GrpcChannel.ForAddress("http://" + host.FleetAddress);
            var hostApi = new Api.Fleet.V1.Fleet.FleetClient(hostChannel);

            // SIGKILL while two silos remain to vote: membership declares the silo dead within the probe settings' bound
            // (FleetWiring.KilledNodeDeclaredDeadWithin), the fleet shows the node down within one membership check and one
            // table refresh of that, and the node grain is not activated anywhere else.
            await using var hostClient = await NodeClient.ConnectAsync(host.GatewayPort, host.Name);
            var management = hostClient.Grains.GetGrain<IManagementGrain>(0);
            var killedAt = Stopwatch.GetTimestamp();
            await killed.Process.KillAsync();
            var declaredDeadAt = await DeclaredDeadAsync(management, killed.SiloPort, FleetWiring.KilledNodeDeclaredDeadWithin + TimeSpan.FromSeconds(30), () => Diagnose(nodes, killed));
            var (dead, deadAt) = await watch.WaitAsync(ch => ch.Node.Name == killed.Name && !ch.Node.Live, killedAt, FleetWiring.KilledNodeDeclaredDeadWithin + TimeSpan.FromSeconds(30));
            var declaredAfter = Stopwatch.GetElapsedTime(killedAt, declaredDeadAt);
            var shownAfter = Stopwatch.GetElapsedTime(declaredDeadAt, deadAt);
            output.WriteLine($"SIGKILL -> declared dead: {declaredAfter.TotalSeconds:F1} s; declared dead -> shown down: {shownAfter.TotalMilliseconds:F0} ms ({dead.Node.DownReason})");
            Assert.Contains("dead", dead.Node.DownReason, StringComparison.Ordinal);
            Assert.True(declaredAfter <= FleetWiring.KilledNodeDeclaredDeadWithin, $"membership declared the killed silo dead after {declaredAfter.TotalSeconds:F1} s{Diagnose(nodes, killed)}");
            Assert.True(shownAfter <= FleetWiring.TableRefresh + TimeSpan.FromSeconds(1), $"the fleet showed the node down {shownAfter.TotalMilliseconds:F0} ms after this silo saw it dead");
            await Assert.ThrowsAnyAsync<Exception>(() => hostClient.Grains.GetGrain<INodeGrain>(killed.Name).GetSnapshotAsync().WaitAsync(TimeSpan.FromSeconds(30)));
            // No activation on any survivor (the directory may still name the dead silo until it drops its entries).
            var activation = await management.GetActivationAddress(hostClient.Grains.GetGrain<INodeGrain>(killed.Name));
            Assert.True(activation is null || activation.Endpoint.Port == killed.SiloPort, $"node grain of the killed node activated on {activation}");
            var afterKill = await hostApi.GetNodeAsync(new GetNodeRequest { Name = killed.Name });
            Assert.False(afterKill.Live);
            Assert.Contains($":{killed.SiloPort}:", afterKill.Silo, StringComparison.Ordinal);

            // SIGTERM: down within 2 s (the node grain tells the fleet as its silo stops, without waiting for membership).
            var stoppedAt = Stopwatch.GetTimestamp();
            var exit = stopped.Process.TerminateAsync(TimeSpan.FromSeconds(30));
            // If it is not shown, the message says whether the stopped process got out and how.
            (NodeChange Change, long At) shown;
            try
            {
                shown = await watch.WaitAsync(ch => ch.Node.Name == stopped.Name && !ch.Node.Live, stoppedAt, TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException(
                    $"SIGTERM of {stopped.Name} not shown down in 30 s (process exited: {stopped.Process.HasExited}); its last lines:\n"
                    + string.Join('\n', stopped.Process.Output.Split('\n').TakeLast(25)) + Diagnose(nodes, killed), ex);
            }

            var (down, downAt) = shown;
            var downAfter = Stopwatch.GetElapsedTime(stoppedAt, downAt);
            output.WriteLine($"SIGTERM -> down: {downAfter.TotalMilliseconds:F0} ms ({down.Node.DownReason})");
            Assert.Equal(0, await exit);
            Assert.True(downAfter < TimeSpan.FromSeconds(2), $"SIGTERM to down took {downAfter.TotalMilliseconds:F0} ms");

            var find = await hostApi.FindNodesAsync(new FindNodesRequest { ResourceName = Resource, Count = 1 });
            Assert.Equal([host.Name], find.Nodes.Select(n => n.Name));
            Assert.True(latencies[latencies.Count / 2] < 50, $"median reservation-to-watch {latencies[latencies.Count / 2]:F1} ms");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [RootFact("runs a forwarder as root on a simulated node with real veths")]
    public async Task FleetCli_UnreachableAddressAndBadArguments_NameTheAddressOrFieldWithTheirExitCodes()
    {
        var unreachable = await FleetCli.RunAsync("--address", "127.0.0.1:1");
        Assert.Equal(3, unreachable.ExitCode);
        Assert.Contains("cannot reach the fleet API at http://127.0.0.1:1 (--address)", unreachable.Error, StringComparison.Ordinal);

        var folder = Directory.CreateTempSubdirectory("sriov-fleet-e2e-").FullName;
        try
        {
            await using var redis = await RedisServer.StartAsync(folder);
            await using var a = FleetNodeProcess.Start("node-a", redis);
            await a.WaitReadyAsync();
            var zero = await FleetCli.RunAsync("find", Resource, "0", "--address", a.FleetAddress);
            var unknownNode = await FleetCli.RunAsync("node", "node-x", "--address", a.FleetAddress);
            var unknownResource = await FleetCli.RunAsync("find", "no.such/res", "1", "--address", a.FleetAddress);
            var badDriver = await FleetCli.RunAsync("find", Resource, "1", "--driver", "dpdk", "--address", a.FleetAddress);

            Assert.Equal((4, "sriov-forwarder fleet: InvalidArgument: count 0: must be at least 1"), (zero.ExitCode, zero.Error.Trim()));
            Assert.Equal(4, unknownNode.ExitCode);
            Assert.Contains("NotFound: name \"node-x\": no such node in the fleet (known: node-a)", unknownNode.Error, StringComparison.Ordinal);
            Assert.Equal(4, unknownResource.ExitCode);
            Assert.Contains("NotFound: resource_name \"no.such/res\": no node offers it", unknownResource.Error, StringComparison.Ordinal);
            Assert.Equal(4, badDriver.ExitCode);
            Assert.Contains("InvalidArgument: driver \"dpdk\"", badDriver.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [RootFact("runs a forwarder as root on a simulated node whose PF netdevs are real veths")]
    public async Task FleetCli_PfLosesCarrier_TablesAndJsonShowTheReasonAndUnhealthyVfs()
    {
        var folder = Directory.CreateTempSubdirectory("sriov-fleet-e2e-").FullName;
        try
        {
            await using var redis = await RedisServer.StartAsync(folder);
            await using var a = FleetNodeProcess.Start("node-a", redis);
            await a.WaitReadyAsync();
            var before = await NodeJsonAsync(a, n => n.GetProperty("reported").GetBoolean());
            var pf = before.GetProperty("physicalFunctions")[0];
            var (address, netdev) = (pf.GetProperty("address").GetString()!, pf.GetProperty("netdev").GetString()!);

            // The peer end goes down: the PF netdev loses carrier, as a pulled cable does.
            IpCommand.Run("-n", a.PrivateNamespace, "link", "set", "p" + netdev, "down");
            JsonElement faulted;
            (int ExitCode, string Output, string Error) nodeTable, fleetTable;
            try
            {
                faulted = await NodeJsonAsync(a, n => PfOf(n, address).GetProperty("healthReason").GetString()!.Length > 0);
                nodeTable = await FleetCli.RunAsync("node", "node-a", "--address", a.FleetAddress);
                fleetTable = await FleetCli.RunAsync("--address", a.FleetAddress);
            }
            finally
            {
                IpCommand.Run("-n", a.PrivateNamespace, "link", "set", "p" + netdev, "up");
            }

            var recovered = await NodeJsonAsync(a, n => PfOf(n, address).GetProperty("healthReason").GetString()!.Length == 0);

            var sick = PfOf(faulted, address);
            var unhealthyVfs = sick.GetProperty("unhealthyVfs").GetInt32();
            var vfs = sick.GetProperty("virtualFunctions").EnumerateArray().ToList();
            Assert.Contains($"{netdev} has no carrier", sick.GetProperty("healthReason").GetString(), StringComparison.Ordinal);
            Assert.True(sick.TryGetProperty("unhealthySince", out _), "unhealthySince is set");
            Assert.Equal(vfs.Count, unhealthyVfs);
            Assert.All(vfs, vf => Assert.Contains("no carrier", vf.GetProperty("healthReason").GetString(), StringComparison.Ordinal));
            Assert.Equal(0, PfOf(recovered, address).GetProperty("unhealthyVfs").GetInt32());

            Assert.True(nodeTable.ExitCode == 0, $"fleet node exited {nodeTable.ExitCode}: {nodeTable.Error}");
            var pfRow = Assert.Single(nodeTable.Output.Split('\n'), l => l.StartsWith(address + " ", StringComparison.Ordinal));
            Assert.Contains($"{netdev} has no carrier", pfRow, StringComparison.Ordinal);
            Assert.Contains("(since ", pfRow, StringComparison.Ordinal);
            Assert.Equal(unhealthyVfs, nodeTable.Output.Split('\n').Count(l => l.StartsWith("0000:", StringComparison.Ordinal) && l.Contains(" " + address + " ", StringComparison.Ordinal) && l.Contains("no carrier", StringComparison.Ordinal)));
            var fleetLines = fleetTable.Output.Split('\n');
            var column = fleetLines[0].IndexOf("UNHEALTHY VFS", StringComparison.Ordinal);
            Assert.True(column > 0, $"the fleet table has an UNHEALTHY VFS column:\n{fleetTable.Output}");
            var row = Assert.Single(fleetLines, l => l.StartsWith("node-a ", StringComparison.Ordinal));
            Assert.Equal(unhealthyVfs.ToString(System.Globalization.CultureInfo.InvariantCulture), row[column..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // `fleet node node-a --json` of the node, read until it satisfies wanted (the fleet hears of a fault within a health pass).
    private static async Task<JsonElement> NodeJsonAsync(FleetNodeProcess node, Func<JsonElement, bool> wanted) =>
        await Eventually.ValueAsync(
            async () =>
            {
                var json = await FleetCli.RunAsync("node", node.Name, "--json", "--address", node.FleetAddress);
                Assert.True(json.ExitCode == 0, $"fleet node --json exited {json.ExitCode}: {json.Error}");
                using var document = JsonDocument.Parse(json.Output);
                return document.RootElement.Clone();
            },
            wanted,
            TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(250));

    private static JsonElement PfOf(JsonElement node, string address) =>
        node.GetProperty("physicalFunctions").EnumerateArray().Single(pf => pf.GetProperty("address").GetString() == address);

    // When the surviving silo's membership first lists the killed silo as dead (polled: the test's own clock).
    private static async Task<long> DeclaredDeadAsync(IManagementGrain management, int siloPort, TimeSpan timeout, Func<string> diagnose)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var hosts = await management.GetHosts(onlyActive: false);
            if (hosts.Any(h => h.Key.Endpoint.Port == siloPort && h.Value == SiloStatus.Dead))
            {
                return Stopwatch.GetTimestamp();
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"membership did not declare the silo on port {siloPort} dead in {timeout}{diagnose()}");
    }

    // The survivors' membership lines (probes, votes, health), to tell a slow vote from a slow fleet when the kill fails.
    private static string Diagnose(FleetNodeProcess[] nodes, FleetNodeProcess killed) =>
        string.Concat(nodes.Where(n => n != killed).Select(n => $"\n--- {n.Name} ---\n" + string.Join('\n', n.Process.Output.Split('\n')
            .Where(l => l.Contains("probe", StringComparison.OrdinalIgnoreCase) || l.Contains("evict", StringComparison.OrdinalIgnoreCase)
                || l.Contains("vote", StringComparison.OrdinalIgnoreCase) || l.Contains("degrad", StringComparison.OrdinalIgnoreCase)
                || l.Contains("dead", StringComparison.OrdinalIgnoreCase) || l.Contains("suspect", StringComparison.OrdinalIgnoreCase))
            .TakeLast(60))));

    private static Owner? HeldBy(Api.Fleet.V1.Node node, string connection) =>
        node.PhysicalFunctions.SelectMany(pf => pf.VirtualFunctions).FirstOrDefault(vf => vf.Owner?.ConnectionId == connection)?.Owner;
}
