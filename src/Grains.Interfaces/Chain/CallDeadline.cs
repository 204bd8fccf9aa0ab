using Orleans.Runtime;

namespace SriovForwarder.Grains.Interfaces.Chain;

/// <summary>
/// The deadline of the NSM call a grain call serves, carried in Orleans' <see cref="RequestContext"/> from the gateway
/// (where gRPC's <c>ServerCallContext.Deadline</c> is known) to the connect element, which passes the remaining time on
/// to the next hop as upstream does. A grain call's <see cref="CancellationToken"/> says when to stop; this says when
/// the caller stops waiting, which only a deadline, not a token, can tell the next hop.
/// </summary>
public static class CallDeadline
{
    private const string Key = "nsm.deadline";

    /// <summary>The caller's deadline (UTC) for the current grain call, or null when the caller set none.</summary>
    public static DateTime? Current => RequestContext.Get(Key) is long ticks ? new DateTime(ticks, DateTimeKind.Utc) : null;

    /// <summary>
    /// Carries <paramref name="deadline"/> (UTC; <see cref="DateTime.MaxValue"/> means none, as gRPC has it) with the grain
    /// calls made from here until the returned scope is disposed.
    /// </summary>
    public static IDisposable Use(DateTime deadline)
    {
        var previous = RequestContext.Get(Key);
        if (deadline == DateTime.MaxValue)
        {
            RequestContext.Remove(Key);
        }
        else
        {
            RequestContext.Set(Key, deadline.ToUniversalTime().Ticks);
        }

        return new Scope(previous);
    }

    private sealed class Scope(object? previous) : IDisposable
    {
        public void Dispose()
        {
            if (previous is null)
            {
                RequestContext.Remove(Key);
            }
            else
            {
                RequestContext.Set(Key, previous);
            }
        }
    }
}
