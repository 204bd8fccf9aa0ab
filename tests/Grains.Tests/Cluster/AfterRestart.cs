using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace SriovForwarder.Grains.Tests.Cluster;

/// <summary>
/// Calls a grain right after a silo restart: until the cluster client has reconnected to the new silo,
/// calls fail with connection errors, which are retried here for a bounded time.
/// </summary>
public static class AfterRestart
{
    /// <summary>Runs <paramref name="call"/> until it stops failing with a connection error, for at most 30 s.</summary>
    public static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (ex is ConnectionFailedException or SiloUnavailableException or OrleansMessageRejectionException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }
}
