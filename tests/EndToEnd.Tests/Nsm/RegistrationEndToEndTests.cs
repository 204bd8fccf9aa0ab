using Grpc.Health.V1;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>The real executable (run as root, <c>--simulate</c>) registering with a stand-in NSMgr over unix sockets.</summary>
[Trait("Requires", "root")]
public sealed class RegistrationEndToEndTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly NsmForwarderHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [RootFact("runs the forwarder as root on a simulated node")]
    public async Task Start_RegistersRefreshesAnswersHealthAndUnregistersOnSigterm()
    {
        await using var nsmgr = await StandInNsmgr.StartAsync(_harness.Folder);
        nsmgr.Registry.GrantedLifetime = TimeSpan.FromSeconds(3);
        await using var forwarder = _harness.Start($"unix://{nsmgr.RegistrySocket}");

        var first = await forwarder.ReadHeardAsync(nsmgr.Registry.Registrations, Patience);
        var refresh = await forwarder.ReadHeardAsync(nsmgr.Registry.Registrations, Patience);
        using var channel = UnixSocketChannelFactory.Create(_harness.ListenSocket, TimeSpan.FromSeconds(5));
        var health = new Health.HealthClient(channel);
        var statuses = new List<HealthCheckResponse.Types.ServingStatus>();
        foreach (var service in new[] { "", "networkservice.NetworkService", "connection.MonitorConnection" })
        {
            statuses.Add((await health.CheckAsync(new HealthCheckRequest { Service = service })).Status);
        }

        var socketUrl = SocketInodeUrl(_harness.ListenSocket);
        using var passedChannel = UnixSocketChannelFactory.Create(nsmgr.Registry.DialUrls[NsmForwarderHarness.ForwarderName], TimeSpan.FromSeconds(5));
        var viaPassedDescriptor = (await new Health.HealthClient(passedChannel).CheckAsync(new HealthCheckRequest { Service = "networkservice.NetworkService" })).Status;
        var exitCode = await forwarder.TerminateAsync(TimeSpan.FromSeconds(30));
        var unregistered = await forwarder.ReadHeardAsync(nsmgr.Registry.Unregistrations, Patience);

        Assert.Equal(NsmForwarderHarness.ForwarderName, first.Name);
        Assert.Equal(["forwarder"], first.NetworkServiceNames);
        Assert.Equal(
            new Dictionary<string, string> { ["p2p"] = "true", ["zone"] = "e2e" },
            first.NetworkServiceLabels["forwarder"].Labels);
        // Upstream's sendfd: the socket travels as its inode with the descriptor alongside; the stand-in NSMgr dialled it that way.
        Assert.Equal(socketUrl, first.Url);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, viaPassedDescriptor);
        Assert.InRange(first.ExpirationTime.ToDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(9), DateTimeOffset.UtcNow.AddMinutes(11));
        Assert.Equal(first.Name, refresh.Name);
        Assert.All(statuses, s => Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, s));
        Assert.Equal(0, exitCode);
        Assert.Equal(NsmForwarderHarness.ForwarderName, unregistered.Name);
        Assert.Contains("Unregistered " + NsmForwarderHarness.ForwarderName, forwarder.Output, StringComparison.Ordinal);
    }

    [RootFact("runs the forwarder as root on a simulated node")]
    public async Task Start_RegistryDown_ServesAnywayAndRegistersOnceItComesUp()
    {
        await using var nsmgr = await StandInNsmgr.StartAsync(_harness.Folder, registryUp: false);
        await using var forwarder = _harness.Start($"unix://{nsmgr.RegistrySocket}");

        await forwarder.WaitForLineAsync("sriov-forwarder ready", Patience);
        var warning = await forwarder.WaitForLineAsync("is unreachable or refused the registration", Patience);
        using var channel = UnixSocketChannelFactory.Create(_harness.ListenSocket, TimeSpan.FromSeconds(5));
        var status = (await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = "networkservice.NetworkService" })).Status;
        await nsmgr.StartRegistryAsync();
        var registered = await forwarder.ReadHeardAsync(nsmgr.Registry.Registrations, Patience);
        await forwarder.WaitForLineAsync("Registered with the NSM registry", Patience);
        var exitCode = await forwarder.TerminateAsync(TimeSpan.FromSeconds(30));

        Assert.Contains(nsmgr.RegistrySocket, warning, StringComparison.Ordinal);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, status);
        Assert.Equal(NsmForwarderHarness.ForwarderName, registered.Name);
        Assert.Single(forwarder.Output.Split('\n'), l => l.Contains("is unreachable or refused the registration", StringComparison.Ordinal));
        Assert.Equal(0, exitCode);
    }

    // coreutils' stat prints st_dev as the 64-bit dev_t number grpcfd writes in inode:// URLs.
    private static string SocketInodeUrl(string path)
    {
        var start = new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%d %i", path]) { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        var parts = process.StandardOutput.ReadToEnd().Trim().Split(' ');
        process.WaitForExit();
        return $"inode://{parts[0]}/{parts[1]}";
    }
}
