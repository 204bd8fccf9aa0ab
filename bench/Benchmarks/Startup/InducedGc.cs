using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;

namespace SriovForwarder.Benchmarks.Startup;

/// <summary>
/// Makes the forwarder run a full blocking GC from outside, over its diagnostics port: an EventPipe session that enables
/// the runtime provider's GCHeapCollect keyword makes the runtime collect (what <c>dotnet-gcdump</c> relies on). The
/// process itself is not changed for the benchmark.
/// </summary>
public static class InducedGc
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";

    /// <summary>GCHeapCollect (0x800000) triggers the collection; GC (0x1) lets the session see it end.</summary>
    private const long Keywords = 0x800000 | 0x1;

    /// <summary>Induces the GC, keeps the session open for <paramref name="drain"/> while the GC runs, then closes it.</summary>
    public static async Task CollectAsync(int pid, TimeSpan drain)
    {
        var client = new DiagnosticsClient(pid);
        using var session = await client.StartEventPipeSessionAsync(
            new EventPipeProvider(RuntimeProvider, EventLevel.Informational, Keywords), requestRundown: false, circularBufferMB: 1, CancellationToken.None);
        // The events are not read, only drained, so the runtime's buffers do not fill while the session is open.
        using var drainCancel = new CancellationTokenSource(drain);
        try
        {
            await session.EventStream.CopyToAsync(Stream.Null, drainCancel.Token);
        }
        catch (OperationCanceledException)
        {
            // The drain period is over.
        }

        await session.StopAsync(CancellationToken.None);
    }
}
