using System.Threading.Channels;
using Grpc.Health.V1;
using SriovForwarder.EndToEnd.Tests.Nsm;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.EndToEnd.Tests.Lifecycle;

/// <summary>
/// An operator's <c>kill -USR1</c> / <c>kill -USR2</c> on the real executable (as root, <c>--simulate</c>): TRACE logging
/// on and back to <c>NSM_LOG_LEVEL</c>, the process serving throughout. The registration refresh, logged at debug, shows
/// whether debug lines are written: the stand-in registry grants 1 s, so it refreshes about every 0.7 s.
/// </summary>
[Trait("Requires", "root")]
public sealed class LogLevelSignalEndToEndTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly NsmForwarderHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [RootFact("runs the forwarder as root on a simulated node")]
    public async Task Sigusr1ThenSigusr2_AtInfo_DebugLinesOnlyBetweenAndProcessServesThroughout()
    {
        await using var nsmgr = await StandInNsmgr.StartAsync(_harness.Folder);
        nsmgr.Registry.GrantedLifetime = TimeSpan.FromSeconds(1);
        await using var forwarder = _harness.Start($"unix://{nsmgr.RegistrySocket}", new Dictionary<string, string> { ["NSM_LOG_LEVEL"] = "info" });
        await forwarder.WaitForLineAsync("sriov-forwarder ready", Patience);
        await RefreshesAsync(nsmgr, forwarder, 3);
        var debugAtInfo = DebugLines(forwarder.Output);

        ProcessSignals.Send(forwarder, ProcessSignals.SigUsr1);
        await forwarder.WaitForLineAsync("SIGUSR1: log level set to trace", Patience);
        var refreshedAtTrace = await forwarder.WaitForLineAsync("Refreshed the registration of " + NsmForwarderHarness.ForwarderName, Patience);
        var servingAtTrace = await HealthAsync();
        // The health call's connection ends after the call; its trace-level line must be written before the switch back,
        // or, written by the console's queue a moment later under load, it would look like a line logged after it.
        await forwarder.WaitForLineAsync("connection ended", Patience);
        // Kestrel's own debug line for the same connection comes after ours: wait for it too (seen after the switch once).
        await forwarder.WaitForLineAsync("The last processed stream ID", Patience);
        // And Kestrel's very last one, written once the connection's transport is disposed (which first sends what Kestrel
        // wrote last): seen after the switch back once under load. Waited for briefly; its absence proves nothing here.
        try
        {
            await forwarder.WaitForLineAsync("connection queue processing loop", TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // Not written for this connection: nothing more to wait for.
        }

        ProcessSignals.Send(forwarder, ProcessSignals.SigUsr2);
        await forwarder.WaitForLineAsync("SIGUSR2: log level set back to info", Patience);
        // The line is written just before the switch (so it shows even at error level): lines of other threads may
        // still land after it. Count from one refresh later, then let two more refreshes write (or not) their lines.
        await RefreshesAsync(nsmgr, forwarder, 1);
        var mark = forwarder.Output.Length;
        await RefreshesAsync(nsmgr, forwarder, 2);
        var afterBack = forwarder.Output[mark..];
        var exitCode = await forwarder.TerminateAsync(Patience);

        Assert.True(debugAtInfo.Length == 0, string.Join(Environment.NewLine, debugAtInfo));
        Assert.True(ConsoleLogLine.HasLevel(refreshedAtTrace, "dbug"), refreshedAtTrace);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, servingAtTrace);
        // Orleans' membership refresh checks its level before an await and logs after it, so one refresh that began at
        // trace may finish with a debug line after the switch back (seen once under load); any other line fails.
        var debugAfterBack = DebugLines(afterBack).Where(l => !l.Contains("MembershipTableManager", StringComparison.Ordinal)).ToArray();
        Assert.True(debugAfterBack.Length == 0, string.Join(Environment.NewLine, debugAfterBack));
        Assert.Equal(0, exitCode);
    }

    private static string[] DebugLines(string output) =>
        [.. output.Split('\n').Where(l => ConsoleLogLine.HasLevel(l, "dbug") || ConsoleLogLine.HasLevel(l, "trce"))];

    private async Task<HealthCheckResponse.Types.ServingStatus> HealthAsync()
    {
        using var channel = UnixSocketChannelFactory.Create(_harness.ListenSocket, TimeSpan.FromSeconds(5));
        return (await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = "networkservice.NetworkService" })).Status;
    }

    private static async Task RefreshesAsync(StandInNsmgr nsmgr, ForwarderProcess forwarder, int count)
    {
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            for (var i = 0; i < count; i++)
            {
                await nsmgr.Registry.Registrations.Reader.ReadAsync(timeout.Token);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the stand-in registry saw no refresh; forwarder output:{Environment.NewLine}{forwarder.Output}");
        }
    }
}
