using System.Diagnostics;
using Grpc.Core;
using SriovForwarder.EndToEnd.Tests.Nsm;
using Xunit.Abstractions;

namespace SriovForwarder.EndToEnd.Tests.Lifecycle;

/// <summary>
/// A DaemonSet pod's SIGTERM (rolling update): the real executable (as root, <c>--simulate</c>) with a stand-in kubelet
/// holding ListAndWatch on every resource and a stand-in NSMgr holding MonitorConnections must exit 0 in under 2 s,
/// well inside Kubernetes' 30 s grace period, and unregister on the way.
/// </summary>
[Trait("Requires", "root")]
public sealed class ShutdownEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly NsmForwarderHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [RootFact("runs the forwarder as root on a simulated node with real veths")]
    public async Task Sigterm_KubeletAndNsmgrHoldingStreams_ExitsZeroWithinTwoSecondsAndUnregisters()
    {
        await using var running = await StartRegisteredAsync();
        var (nsmgr, kubelet, forwarder, resources, registered) = running;
        using var streams = await HeldStreams.OpenAsync(kubelet, registered, _harness.ListenSocket);

        var (exitCode, elapsed) = await TerminateAsync(forwarder, streams.Count);
        var watchEnds = await streams.WatchEndsAsync();
        var monitorEnd = await streams.MonitorEndAsync();
        var unregistered = await UnregisteredAsync(nsmgr, forwarder);

        Assert.Equal(0, exitCode);
        Assert.True(elapsed < Bound, $"SIGTERM to exit took {elapsed.TotalMilliseconds:F0} ms; output:{Environment.NewLine}{forwarder.Output}");
        Assert.Equal(NsmForwarderHarness.ForwarderName, unregistered.Name);
        // Ended by the forwarder with a status, not cut off by the process going away.
        Assert.Equal(resources.Length, watchEnds.Length);
        Assert.All(watchEnds, s => Assert.Equal((StatusCode.Unavailable, true), (s.StatusCode, s.Detail.Contains("is stopping", StringComparison.Ordinal))));
        Assert.Equal((StatusCode.Unavailable, "the forwarder is shutting down"), (monitorEnd.StatusCode, monitorEnd.Detail));
    }

    [RootFact("runs the forwarder as root on a simulated node with real veths")]
    public async Task Sigterm_AfterKubeletRestartWithStreamsHeldOnOldSockets_ReRegistersThenExitsZeroWithinTwoSeconds()
    {
        await using var running = await StartRegisteredAsync();
        var (nsmgr, kubelet, forwarder, resources, registered) = running;
        using var oldStreams = await HeldStreams.OpenAsync(kubelet, registered, _harness.ListenSocket);

        var clock = Stopwatch.StartNew();
        await kubelet.RestartAsync();
        // At most 15 s: one stream held on an old socket used to hold its replacement for Kestrel's 30 s shutdown timeout.
        var again = await kubelet.AcceptedRegistrationsAsync(resources);
        output.WriteLine($"all {resources.Length} resources registered again {clock.ElapsedMilliseconds} ms after kubelet.sock was re-created");
        var oldEnds = await oldStreams.WatchEndsAsync();
        using var streams = await HeldStreams.OpenAsync(kubelet, again, _harness.ListenSocket);

        var (exitCode, elapsed) = await TerminateAsync(forwarder, streams.Count + 1);
        var unregistered = await UnregisteredAsync(nsmgr, forwarder);

        Assert.All(oldEnds, s => Assert.Equal((StatusCode.Unavailable, true), (s.StatusCode, s.Detail.Contains("is stopping", StringComparison.Ordinal))));
        Assert.Empty(registered.Select(r => r.Request.Endpoint).Intersect(again.Select(r => r.Request.Endpoint)));
        Assert.Equal(0, exitCode);
        Assert.True(elapsed < Bound, $"SIGTERM to exit took {elapsed.TotalMilliseconds:F0} ms; output:{Environment.NewLine}{forwarder.Output}");
        Assert.Equal(NsmForwarderHarness.ForwarderName, unregistered.Name);
        Assert.All(await streams.WatchEndsAsync(), s => Assert.Equal(StatusCode.Unavailable, s.StatusCode));
    }

    [RootFact("runs the forwarder as root on a simulated node with real veths")]
    public async Task Sigterm_NsmListenOnUnset_TemporaryListenFolderRemoved()
    {
        await using var nsmgr = await StandInNsmgr.StartAsync(_harness.Folder);
        await using var forwarder = _harness.Start($"unix://{nsmgr.RegistrySocket}", new Dictionary<string, string> { ["NSM_LISTEN_ON"] = "" });
        var ready = await forwarder.WaitForLineAsync("sriov-forwarder ready", Patience);
        var socket = ready[(ready.IndexOf("unix://", StringComparison.Ordinal) + "unix://".Length)..ready.IndexOf(';', ready.IndexOf("unix://", StringComparison.Ordinal))];
        var folder = Path.GetDirectoryName(socket)!;
        var existedWhileRunning = Directory.Exists(folder);

        var exitCode = await forwarder.TerminateAsync(Patience);

        Assert.StartsWith(Path.Combine(Path.GetTempPath(), "sriov-forwarder-"), folder, StringComparison.Ordinal);
        Assert.True(existedWhileRunning);
        Assert.Equal(0, exitCode);
        Assert.False(Directory.Exists(folder), $"{folder} is still there after the exit");
    }

    // The forwarder registered with the stand-in NSMgr and every resource registered with the stand-in kubelet.
    private async Task<RegisteredForwarder> StartRegisteredAsync()
    {
        var running = new RegisteredForwarder();
        try
        {
            running.Nsmgr = await StandInNsmgr.StartAsync(_harness.Folder);
            running.Kubelet = new StandInKubeletSockets(Path.Combine(_harness.Folder, "k"));
            await running.Kubelet.StartRegistrationAsync();
            await running.Kubelet.StartPodResourcesAsync();
            running.Forwarder = _harness.Start($"unix://{running.Nsmgr.RegistrySocket}", new Dictionary<string, string>
            {
                ["NSM_DEVICE_PLUGIN_PATH"] = running.Kubelet.DevicePluginPath,
                ["NSM_POD_RESOURCES_PATH"] = running.Kubelet.PodResourcesPath,
            });
            running.Resources = await ResourcesAsync(running.Forwarder);
            running.Registered = await running.Kubelet.AcceptedRegistrationsAsync(running.Resources);
            await running.Forwarder.ReadHeardAsync(running.Nsmgr.Registry.Registrations, Patience);
            return running;
        }
        catch
        {
            await running.DisposeAsync();
            throw;
        }
    }

    // "Device plugin serving 5 resources of node nsm-node: a/b, c/d, ..."
    private static async Task<string[]> ResourcesAsync(ForwarderProcess forwarder)
    {
        var line = await forwarder.WaitForLineAsync("Device plugin serving", Patience);
        var names = line[(line.IndexOf(NsmForwarderHarness.NodeName + ": ", StringComparison.Ordinal) + NsmForwarderHarness.NodeName.Length + 2)..];
        return names.Split(", ");
    }

    // The Unregister the stopping forwarder sent. Read with patience rather than at once: the stand-in registry records it
    // on its own server thread, which a loaded machine may run only after the test has seen the process exit.
    private static Task<Api.Nsm.Registry.NetworkServiceEndpoint> UnregisteredAsync(StandInNsmgr nsmgr, ForwarderProcess forwarder) =>
        forwarder.ReadHeardAsync(nsmgr.Registry.Unregistrations, Patience);

    private async Task<(int ExitCode, TimeSpan Elapsed)> TerminateAsync(ForwarderProcess forwarder, int streams)
    {
        var clock = Stopwatch.StartNew();
        var exitCode = await forwarder.TerminateAsync(Patience);
        var elapsed = clock.Elapsed;
        output.WriteLine($"SIGTERM with {streams} streams open: exit code {exitCode} after {elapsed.TotalMilliseconds:F0} ms");
        return (exitCode, elapsed);
    }
}
