using System.Diagnostics;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using SriovForwarder.Silo.Configuration;
using SriovForwarder.Silo.Ops;

namespace SriovForwarder.Silo.Extensions;

/// <summary>
/// The .NET stand-in for upstream's pprof server (NSM_PPROF_ENABLED, NSM_PPROF_LISTEN_ON): runtime figures as
/// JSON at <c>/debug/runtime</c>. Deeper profiling uses the runtime's own diagnostics socket (dotnet-trace,
/// dotnet-counters, dotnet-dump), which is on by default.
/// </summary>
public static class DiagnosticsEndpoint
{
    /// <summary>The path of the runtime figures.</summary>
    public const string Path = "/debug/runtime";

    /// <summary>Listens on NSM_PPROF_LISTEN_ON when NSM_PPROF_ENABLED is true.</summary>
    public static void ListenForDiagnostics(this KestrelServerOptions kestrel, ForwarderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.PprofEnabled)
        {
            kestrel.ListenHttp1(settings.PprofListenOn, ListenerSurface.Diagnostics);
        }
    }

    /// <summary>Maps <see cref="Path"/>; <see cref="EndpointExtensions.MapForwarderEndpoints"/> puts it on the diagnostics listener only.</summary>
    public static void MapDiagnostics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, () =>
        {
            using var process = Process.GetCurrentProcess();
            var gc = GC.GetGCMemoryInfo();
            return Results.Json(new
            {
                process.Id,
                UptimeSeconds = (DateTime.Now - process.StartTime).TotalSeconds,
                WorkingSetBytes = process.WorkingSet64,
                ManagedHeapBytes = GC.GetTotalMemory(forceFullCollection: false),
                gc.HeapSizeBytes,
                // What the managed heap has committed from the OS (heap plus free space and bookkeeping): the GC's part of the resident memory.
                gc.TotalCommittedBytes,
                Gen0Collections = GC.CollectionCount(0),
                Gen1Collections = GC.CollectionCount(1),
                Gen2Collections = GC.CollectionCount(2),
                ThreadCount = process.Threads.Count,
                ThreadPoolThreads = ThreadPool.ThreadCount,
                ThreadPoolQueueLength = ThreadPool.PendingWorkItemCount,
                GCSettings = System.Runtime.GCSettings.IsServerGC ? "server" : "workstation",
                // Methods compiled at run time (not precompiled, or recompiled when hot): what the runtime's code memory holds.
                JitCompiledMethods = System.Runtime.JitInfo.GetCompiledMethodCount(),
                JitCompiledIlBytes = System.Runtime.JitInfo.GetCompiledILBytes(),
                JitTimeMs = System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds,
            });
        });
    }
}
