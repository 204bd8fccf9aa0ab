using System.Collections.Concurrent;
using Grpc.Core;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>What the crash test saw across all kills: who holds which VF, broken invariants, and the counts it reports.</summary>
internal sealed class CrashLedger
{
    private readonly ConcurrentDictionary<string, string> _holders = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(DateTime At, string Error)> _failedCalls = new();

    public ConcurrentQueue<string> Violations { get; } = new();

    public ConcurrentQueue<string> UnexpectedErrors { get; } = new();

    public int NamedKills { get; set; }

    public int NamedKillsDuringRecovery { get; set; }

    public int RandomKills { get; set; }

    private int _retried;
    private int _retriedSameVf;

    public int Retried => _retried;

    public int RetriedSameVf => _retriedSameVf;

    /// <summary>Counts a retry after a restart (clients settle in parallel).</summary>
    public void CountRetry(bool establishedBefore)
    {
        Interlocked.Increment(ref _retried);
        if (establishedBefore)
        {
            Interlocked.Increment(ref _retriedSameVf);
        }
    }

    public int ListedAfterRestart { get; set; }

    public void Hold(string pci, string id)
    {
        if (pci == "(none)")
        {
            return;
        }

        var holder = _holders.GetOrAdd(pci, id);
        Check(holder == id, $"{pci} handed to {id} while {holder} holds it");
    }

    public void Release(string pci, string id) => _holders.TryRemove(new KeyValuePair<string, string>(pci, id));

    public void Check(bool condition, string violation)
    {
        if (!condition)
        {
            Violations.Enqueue(violation);
        }
    }

    // A call that fails because the forwarder is being killed is expected; see SortFailedCalls.
    public void Died(string id, RpcException ex) => _failedCalls.Enqueue((DateTime.UtcNow, $"{id}: {ex.StatusCode} {ex.Status.Detail}"));

    /// <summary>Calls that failed more than a second before the forwarder was seen dead failed for another reason: recorded as unexpected.</summary>
    public void SortFailedCalls(DateTime deathSeenAt)
    {
        while (_failedCalls.TryDequeue(out var call))
        {
            if (call.At < deathSeenAt - TimeSpan.FromSeconds(1))
            {
                UnexpectedErrors.Enqueue(call.Error);
            }
        }
    }

    public override string ToString() =>
        $"{NamedKills} kills at named points ({NamedKillsDuringRecovery} of them during start-up recovery), {RandomKills} at random times; " +
        $"{Retried} unanswered or unclosed connections retried after a restart ({RetriedSameVf} established ones got their VF back), " +
        $"{ListedAfterRestart} established ones listed by MonitorConnections after a restart";
}
