using Grpc.Core;
using Microsoft.Extensions.Logging;
using SriovForwarder.Api.Nsm.Registry;

namespace SriovForwarder.Gateway.Registry;

/// <summary>
/// Upstream's registry heal for one registration (§7.1): a <c>Find</c> with <c>watch: true</c> for our own endpoint name,
/// kept open until disposed. When the registry ends or breaks the stream (NSMgr restarted and no longer knows us) it waits
/// the first retry delay, so a registry that drops every watch at once cannot make us register in a tight loop, and then
/// cancels <c>wake</c>, which ends the registration loop's pause so it registers again now. A registry that answers the
/// watch with <c>Unimplemented</c> offers no heal: that is logged once per registration and nothing else happens.
/// The registration loop stops the watch (cancels its token and awaits it) before it registers again.
/// </summary>
internal sealed class RegistryWatch(
    NetworkServiceEndpointRegistry.NetworkServiceEndpointRegistryClient client,
    Func<global::Grpc.Core.Metadata> headers,
    TimeSpan healDelay,
    TimeProvider time,
    ILogger logger,
    string registry)
{
    /// <summary>
    /// Runs the watch of <paramref name="name"/> off the caller's context until <paramref name="token"/> is cancelled.
    /// Once the returned task has ended after that cancellation, the watch never touches <paramref name="wake"/> again.
    /// </summary>
    public Task Start(string name, CancellationTokenSource wake, CancellationToken token) =>
        Task.Run(() => WatchAsync(name, wake, token), CancellationToken.None);

    private async Task WatchAsync(string name, CancellationTokenSource wake, CancellationToken token)
    {
        string reason;
        try
        {
            var query = new NetworkServiceEndpointQuery { NetworkServiceEndpoint = new NetworkServiceEndpoint { Name = name }, Watch = true };
            using var call = client.Find(query, headers(), cancellationToken: token);
            await foreach (var _ in call.ResponseStream.ReadAllAsync(token).ConfigureAwait(false))
            {
                // What the registry says about our entry does not matter; only that the stream lives.
            }

            reason = "the registry ended the watch";
        }
        catch (Exception ex) when (token.IsCancellationRequested && ex is RpcException or OperationCanceledException)
        {
            return;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unimplemented)
        {
            RegistrationLog.NoWatch(logger, registry, name);
            return;
        }
        catch (RpcException ex)
        {
            reason = $"{ex.StatusCode}: {ex.Status.Detail}";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // E.g. our token could not be made: heal by registering again, whose failure is reported and retried.
            reason = ex.Message;
        }

        RegistrationLog.WatchLost(logger, name, registry, reason);
        try
        {
            await Task.Delay(healDelay, time, token).ConfigureAwait(false);
            await wake.CancelAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Disposed meanwhile: the loop registers anyway.
        }
    }
}
