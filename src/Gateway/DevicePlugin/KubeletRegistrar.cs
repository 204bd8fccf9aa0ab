using SriovForwarder.Kernel.Transport;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SriovForwarder.Gateway.Transport;
using SriovForwarder.Gateway.Telemetry;

namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>
/// Keeps every resource registered with kubelet: waits for <c>kubelet.sock</c>, registers each resource's plugin
/// server, and registers again on fresh sockets whenever kubelet restarts (a new <c>kubelet.sock</c>) or deletes ours.
/// </summary>
public sealed class KubeletRegistrar(
    IOptions<KubeletDevicePluginOptions> options,
    ResourcePluginServers servers,
    ILogger<KubeletRegistrar> logger)
{
    private readonly KubeletDevicePluginOptions _options = options.Value;
    private bool _noKubeletLogged;

    private string KubeletSocket => Path.Combine(_options.DevicePluginPath, KubeletSocketFile.Name);

    /// <summary>Registers <paramref name="names"/> and keeps them registered until cancelled.</summary>
    public async Task RunAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        using var watcher = new KubeletSocketWatcher(_options.DevicePluginPath);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                watcher.TryStart();
                await EnsureRegisteredAsync(names, watcher.KubeletCreations, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                DevicePluginLog.StepFailed(logger, ex.Message);
            }

            // The watch wakes us at once on kubelet.sock re-created or a socket deleted; the interval is the cheap fallback check.
            await watcher.WaitAsync(_options.SocketCheckInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task EnsureRegisteredAsync(IReadOnlyList<string> names, long kubeletCreations, CancellationToken cancellationToken)
    {
        var kubeletSocket = KubeletSocket;
        if (!UnixSocketFile.IsSocket(kubeletSocket))
        {
            if (!_noKubeletLogged)
            {
                DevicePluginLog.NoKubelet(logger, kubeletSocket);
                _noKubeletLogged = true;
            }

            return;
        }

        if (_noKubeletLogged)
        {
            DevicePluginLog.KubeletAppeared(logger, kubeletSocket);
            _noKubeletLogged = false;
        }

        var kubelet = KubeletSocketIdentity.Read(kubeletSocket, kubeletCreations);
        var registration = new KubeletRegistrationClient(kubeletSocket, _options.KubeletCallTimeout);
        foreach (var name in names)
        {
            var server = await servers.EnsureAsync(name, cancellationToken).ConfigureAwait(false);
            if (server.RegisteredWith == kubelet)
            {
                continue;
            }

            try
            {
                await registration.RegisterAsync(server.Endpoint, name, cancellationToken).ConfigureAwait(false);
                server.RegisteredWith = kubelet;
                GatewayMeters.RecordKubeletRegistration(name, "ok");
                DevicePluginLog.Registered(logger, name, kubeletSocket, server.Endpoint);
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                GatewayMeters.RecordKubeletRegistration(name, ex.StatusCode.ToString());
                DevicePluginLog.RegisterFailed(logger, name, ex.StatusCode, ex.Status.Detail);
            }
        }
    }
}
