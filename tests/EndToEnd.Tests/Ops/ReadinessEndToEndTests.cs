using System.Globalization;
using SriovForwarder.EndToEnd.Tests.Nsm;

namespace SriovForwarder.EndToEnd.Tests.Ops;

/// <summary>
/// Readiness through the real executable: <c>/readyz</c> on the ops listener says "not ready" while the node grain is not
/// active yet and from the moment a SIGTERM begins the shutdown until the process ends, "ready" in between; gRPC health
/// on the NSM socket never says SERVING while <c>/readyz</c> says "not ready" (before start its socket is not there yet,
/// and during the shutdown it closes a few milliseconds after readiness turns false).
/// </summary>
[Trait("Requires", "root")]
public sealed class ReadinessEndToEndTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly NsmForwarderHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [RootFact("runs the forwarder as root on a simulated node with real veths")]
    public async Task Readyz_FromStartThroughSigterm_NotReadyUntilTheNodeGrainIsActiveReadyThenNotReadyWhileShuttingDown()
    {
        var opsPort = ForwarderProcess.FreePort();
        await using var nsmgr = await StandInNsmgr.StartAsync(_harness.Folder);
        await using var forwarder = _harness.Start($"unix://{nsmgr.RegistrySocket}",
            new Dictionary<string, string> { ["NSM_OPS_LISTEN_ON"] = $"127.0.0.1:{opsPort.ToString(CultureInfo.InvariantCulture)}" });
        using var probe = new ReadinessProbe(opsPort, _harness.ListenSocket);

        var ready = await Eventually.ValueAsync(() => probe.AskAsync(), o => o.Ready && o.Health == "Serving", Patience, TimeSpan.FromMilliseconds(10));
        var starting = probe.Seen.ToList();
        probe.Seen.Clear();
        var exit = forwarder.TerminateAsync(Patience);
        while (!exit.IsCompleted)
        {
            await probe.AskAsync(healthFirst: false);
            await Task.Delay(5);
        }

        var stopping = probe.Seen.ToList();
        var log = $"starting:{Environment.NewLine}{Describe(starting)}{Environment.NewLine}stopping:{Environment.NewLine}{Describe(stopping)}";
        Assert.Equal(0, await exit);
        Assert.True(ready.Ready && ready.Health == "Serving", log);
        // Before ready: "not ready" answers naming the node grain (the ops listener is up before the silo), none ready.
        var notReadyYet = starting.Where(o => o.NotReady).ToList();
        Assert.True(notReadyYet.Count > 0, log);
        Assert.Contains(notReadyYet, o => o.Readyz.Contains("FAIL node grain", StringComparison.Ordinal));
        // Once ready, it stays ready (gRPC health may still time out on a loaded machine, so "ready" alone ends nothing).
        Assert.DoesNotContain(starting.Skip(starting.FindIndex(o => o.Ready)), o => o.NotReady);
        // While shutting down: "not ready" from the first such answer on, never ready again, naming the shutdown.
        var firstNotReady = stopping.FindIndex(o => o.NotReady);
        Assert.True(firstNotReady >= 0, log);
        Assert.DoesNotContain(stopping.Skip(firstNotReady), o => o.Ready);
        Assert.Contains(stopping.Where(o => o.NotReady), o => o.Readyz.Contains("FAIL shutdown: shutting down", StringComparison.Ordinal));
        // gRPC health tells the same truth: never SERVING in an answer given while /readyz says "not ready".
        Assert.DoesNotContain(starting.Concat(stopping), o => o.NotReady && o.Health == "Serving");
    }

    private static string Describe(List<ReadinessProbe.Observation> seen) =>
        string.Join(Environment.NewLine, seen.Select(o => $"{o.AtMs,6} ms: readyz {o.Readyz}; health {o.Health}"));
}
