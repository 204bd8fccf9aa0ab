using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Gateway.Transport;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.TestSupport.StandIns;

/// <summary>
/// Kubelet's side of the stand-in kubelet, in a folder of the caller's: the Registration service on <c>dp/kubelet.sock</c>
/// and the pod-resources services (v1 and v1alpha1) on <c>pr/kubelet.sock</c>. Shared with the end-to-end tests, which
/// point the real executable at these folders.
/// </summary>
public sealed class StandInKubeletSockets : IAsyncDisposable
{
    private UnixSocketGrpcServer? _registrationServer;
    private UnixSocketGrpcServer? _podResourcesServer;

    public StandInKubeletSockets(string folder)
    {
        DevicePluginPath = Path.Combine(folder, "dp");
        PodResourcesPath = Path.Combine(folder, "pr");
        Directory.CreateDirectory(DevicePluginPath);
        Registration = new StandInRegistration(DevicePluginPath);
    }

    public string DevicePluginPath { get; }

    public string PodResourcesPath { get; }

    public StandInRegistration Registration { get; }

    public PodResourcesState PodResources { get; } = new();

    public async Task StartRegistrationAsync()
    {
        _registrationServer = await UnixSocketGrpcServer.StartAsync(
            Path.Combine(DevicePluginPath, KubeletSocketFile.Name),
            s => s.AddSingleton(Registration),
            a => a.MapGrpcService<StandInRegistration>());
    }

    public async Task StartPodResourcesAsync()
    {
        _podResourcesServer = await UnixSocketGrpcServer.StartAsync(
            Path.Combine(PodResourcesPath, KubeletSocketFile.Name),
            s => s.AddSingleton(PodResources),
            a =>
            {
                a.MapGrpcService<StandInPodResourcesV1>();
                a.MapGrpcService<StandInPodResourcesV1Alpha1>();
            });
    }

    /// <summary>What a kubelet restart does to the folder: its socket goes, every other socket is deleted, its socket comes back.</summary>
    public async Task RestartAsync()
    {
        if (_registrationServer is not null)
        {
            await _registrationServer.DisposeAsync();
        }

        foreach (var file in Directory.GetFiles(DevicePluginPath))
        {
            File.Delete(file);
        }

        await StartRegistrationAsync();
    }

    /// <summary>Reads registrations until one for <paramref name="resource"/> arrives.</summary>
    public async Task<StandInRegistration.Registered> NextRegistrationAsync(string resource)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var next = await Registration.Registrations.Reader.ReadAsync(timeout.Token);
            if (next.Request.ResourceName == resource)
            {
                return next;
            }
        }
    }

    /// <summary>All registrations of the first round: one per resource.</summary>
    public async Task<IReadOnlyList<StandInRegistration.Registered>> RegistrationsAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var result = new List<StandInRegistration.Registered>();
        while (result.Count < count)
        {
            result.Add(await Registration.Registrations.Reader.ReadAsync(timeout.Token));
        }

        return result;
    }

    /// <summary>
    /// Reads registrations until each of <paramref name="resources"/> has been accepted once, skipping refused
    /// ones (Register calls refused before the test stopped refusing may still be queued); returns the accepted ones.
    /// </summary>
    public async Task<IReadOnlyList<StandInRegistration.Registered>> AcceptedRegistrationsAsync(params string[] resources)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var accepted = new Dictionary<string, StandInRegistration.Registered>(StringComparer.Ordinal);
        while (!resources.All(accepted.ContainsKey))
        {
            var next = await Registration.Registrations.Reader.ReadAsync(timeout.Token);
            if (next.Options is not null)
            {
                accepted.TryAdd(next.Request.ResourceName, next);
            }
        }

        return [.. resources.Select(r => accepted[r])];
    }

    /// <summary>A client of our plugin socket for <paramref name="registered"/>, at the endpoint it registered.</summary>
    public PluginClient ClientFor(StandInRegistration.Registered registered) =>
        new(Path.Combine(DevicePluginPath, registered.Request.Endpoint));

    public async ValueTask DisposeAsync()
    {
        if (_registrationServer is not null)
        {
            await _registrationServer.DisposeAsync();
        }

        if (_podResourcesServer is not null)
        {
            await _podResourcesServer.DisposeAsync();
        }
    }
}
