using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Gateway.Telemetry;

namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>
/// Kubelet's <c>v1beta1.DevicePlugin</c> for one resource: the resource's tokens as devices, pushed
/// on every token-pool change, and Allocate handing the token ids to the containers. ListAndWatch ends
/// from our side as soon as its plugin server begins to stop (forwarder shutdown, or the server replaced
/// after a kubelet restart), so a stream kubelet holds never delays either.
/// </summary>
public sealed class DevicePluginService(ResourcePlugin plugin, IHostApplicationLifetime server, ILogger<DevicePluginService> logger) : Api.Kubelet.DevicePlugin.V1Beta1.DevicePlugin.DevicePluginBase
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>What this server offers: GetPreferredAllocation (NUMA-aware, decision 033), not PreStartContainer.</summary>
    public static DevicePluginOptions Options => new() { PreStartRequired = false, GetPreferredAllocationAvailable = true };

    /// <inheritdoc />
    public override Task<DevicePluginOptions> GetDevicePluginOptions(Empty request, ServerCallContext context) => Task.FromResult(Options);

    /// <inheritdoc />
    public override async Task ListAndWatch(Empty request, IServerStreamWriter<ListAndWatchResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        // The plugin server's own lifetime: kubelet never ends this stream, so without this Kestrel would wait for it
        // until its shutdown timeout, holding the forwarder's exit and the re-registration after a kubelet restart.
        var stopping = server.ApplicationStopping;
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping);
        var cancellation = ending.Token;
        DevicePluginLog.ListAndWatchStarted(logger, plugin.ResourceName);
        try
        {
            await StreamDevicesAsync(responseStream, cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
        }

        if (stopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            DevicePluginLog.ListAndWatchEnded(logger, plugin.ResourceName);
            // Unavailable, as a stopping gRPC server answers: kubelet drops the endpoint and waits for our next Register.
            context.Status = new Status(StatusCode.Unavailable,
                $"the device plugin server of {plugin.ResourceName} is stopping (forwarder shutdown, or a new socket after a kubelet restart)");
        }
    }

    /// <inheritdoc />
    public override async Task<PreferredAllocationResponse> GetPreferredAllocation(PreferredAllocationRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var topology = await plugin.Node.GetTopologyAsync(plugin.ResourceName).ConfigureAwait(false);
            var response = new PreferredAllocationResponse();
            foreach (var ask in PreferredAllocationRequestCheck.Asks(request, topology))
            {
                var choice = PreferredTokenChoice.Choose(ask, topology);
                response.ContainerResponses.Add(new ContainerPreferredAllocationResponse { DeviceIDs = { choice.Ids } });
                DevicePluginLog.PreferredAllocation(logger, plugin.ResourceName, ask.Size, string.Join(",", ask.MustInclude),
                    string.Join(",", choice.Ids), string.Join(",", choice.TargetNumaNodes));
            }

            return response;
        }
        catch (Exception ex)
        {
            var error = DevicePluginErrors.ToPreferredAllocationRpcException(ex, plugin.ResourceName);
            DevicePluginLog.PreferredAllocationFailed(logger, plugin.ResourceName, error.Status.StatusCode, error.Status.Detail);
            throw error;
        }
    }

    /// <inheritdoc />
    public override async Task<AllocateResponse> Allocate(AllocateRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ids = AllocateRequestCheck.TokenIds(request, plugin.ResourceName);
        try
        {
            await plugin.Node.AllocateTokensAsync(plugin.ResourceName, ids).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var error = DevicePluginErrors.ToRpcException(ex, plugin.ResourceName);
            DevicePluginLog.AllocateFailed(logger, plugin.ResourceName, string.Join(",", ids), error.Status.StatusCode, error.Status.Detail);
            throw error;
        }

        plugin.Tracker.Track(plugin.ResourceName, ids);
        var response = new AllocateResponse();
        foreach (var container in request.ContainerRequests)
        {
            var answer = new ContainerAllocateResponse();
            answer.Envs.Add(TokensEnvironmentVariable.For(plugin.ResourceName), string.Join(",", container.DevicesIds));
            response.ContainerResponses.Add(answer);
        }

        DevicePluginLog.Allocated(logger, plugin.ResourceName, string.Join(",", ids));
        return response;
    }

    /// <inheritdoc />
    public override Task<PreStartContainerResponse> PreStartContainer(PreStartContainerRequest request, ServerCallContext context) =>
        Task.FromResult(new PreStartContainerResponse());

    private async Task StreamDevicesAsync(IServerStreamWriter<ListAndWatchResponse> responseStream, CancellationToken cancellation)
    {
        IReadOnlyList<TokenDevice>? sent = null;
        var usedVersion = long.MinValue;
        var askNode = true;
        while (!cancellation.IsCancellationRequested)
        {
            // Read the version before taking devices, so a change meanwhile wakes the next wait.
            var seen = plugin.Changes.Version;
            // The devices the node grain sent with its change, unless this is the first list, the poll's safety net, or
            // what was pushed is older than what this stream already used (decision 042).
            var pushed = askNode ? null : plugin.Changes.Pushed(plugin.ResourceName);
            ResourceDevices devices;
            if (pushed is not null && pushed.Version >= usedVersion)
            {
                devices = pushed;
            }
            else
            {
                try
                {
                    devices = await plugin.Node.GetDevicesAsync(plugin.ResourceName).ConfigureAwait(false);
                }
                catch (Exception ex) when (!cancellation.IsCancellationRequested)
                {
                    // Ending the stream would make kubelet drop the resource until we register again: keep it and retry.
                    DevicePluginLog.DevicesUnavailable(logger, plugin.ResourceName, ex.Message);
                    await Task.Delay(RetryDelay, plugin.Time, cancellation).ConfigureAwait(false);
                    continue;
                }
            }

            usedVersion = devices.Version;
            if (sent is null || !sent.SequenceEqual(devices.Devices))
            {
                await responseStream.WriteAsync(ToResponse(devices), cancellation).ConfigureAwait(false);
                sent = devices.Devices;
                GatewayMeters.RecordListAndWatchUpdate(plugin.ResourceName);
                DevicePluginLog.DevicesSent(logger, plugin.ResourceName, devices.Devices.Count, devices.Devices.Count(d => !d.Healthy), devices.Version);
            }

            askNode = !await WaitForChangeAsync(seen, cancellation).ConfigureAwait(false);
        }
    }

    private static ListAndWatchResponse ToResponse(ResourceDevices devices)
    {
        var response = new ListAndWatchResponse();
        foreach (var token in devices.Devices)
        {
            var device = new Device { ID = token.Id, Health = token.Healthy ? DeviceHealth.Healthy : DeviceHealth.Unhealthy };
            if (token.NumaNode >= 0)
            {
                device.Topology = new TopologyInfo { Nodes = { new NUMANode { ID = token.NumaNode } } };
            }

            response.Devices.Add(device);
        }

        return response;
    }

    // True when a change woke us, false when the poll period ran out.
    private async Task<bool> WaitForChangeAsync(long seen, CancellationToken cancellation)
    {
        try
        {
            // The poll period is a safety net for a lost observer subscription; changes normally wake us at once.
            await plugin.Changes.WaitAsync(seen, cancellation).WaitAsync(plugin.ResourcePollTimeout, plugin.Time, cancellation).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
