using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Gateway.Tests.Transport;
using SriovForwarder.Gateway.Transport;

namespace SriovForwarder.Gateway.Tests.DevicePlugin;

/// <summary>
/// A stand-in kubelet in a temporary folder: the Registration service on <c>dp/kubelet.sock</c>, the
/// pod-resources services (v1 and v1alpha1) on <c>pr/kubelet.sock</c>, and our device plugin pointed at both.
/// </summary>
public sealed class StandInKubelet : IAsyncDisposable
{
    private readonly TempSocketFolder _folder = new();
    private UnixSocketGrpcServer? _registrationServer;
    private UnixSocketGrpcServer? _podResourcesServer;

    private StandInKubelet(DevicePluginClusterFixture cluster, TimeSpan pollPeriod)
    {
        DevicePluginPath = Path.Combine(_folder.Path, "dp");
        PodResourcesPath = Path.Combine(_folder.Path, "pr");
        Registration = new StandInRegistration(DevicePluginPath);
        Loggers = LoggerFactory.Create(b => b.AddProvider(Log).SetMinimumLevel(LogLevel.Debug));
        Manager = new DevicePluginManager(
            cluster.Grains,
            Options.Create(new KubeletDevicePluginOptions
            {
                NodeName = DevicePluginClusterFixture.Node,
                DevicePluginPath = DevicePluginPath,
                PodResourcesPath = PodResourcesPath,
                ResourcePollTimeout = pollPeriod,
                KubeletCallTimeout = TimeSpan.FromSeconds(2),
            }),
            TimeProvider.System,
            Loggers);
    }

    public string DevicePluginPath { get; }

    public string PodResourcesPath { get; }

    public StandInRegistration Registration { get; }

    public PodResourcesState PodResources { get; } = new();

    public RecordingLoggerProvider Log { get; } = new();

    public ILoggerFactory Loggers { get; }

    public DevicePluginManager Manager { get; }

    /// <summary>
    /// Starts the stand-in kubelet (unless <paramref name="withKubelet"/> is false) and our plugin.
    /// The default poll period is long, so that tests drive pod-resources reconciliation step by step.
    /// </summary>
    public static async Task<StandInKubelet> StartAsync(DevicePluginClusterFixture cluster, bool withKubelet = true, bool withPodResources = true, TimeSpan? pollPeriod = null)
    {
        var kubelet = new StandInKubelet(cluster, pollPeriod ?? TimeSpan.FromHours(1));
        Directory.CreateDirectory(kubelet.DevicePluginPath);
        if (withKubelet)
        {
            await kubelet.StartRegistrationAsync();
        }

        if (withPodResources)
        {
            await kubelet.StartPodResourcesAsync();
        }

        await kubelet.Manager.StartAsync(CancellationToken.None);
        await kubelet.Manager.Ready.WaitAsync(TimeSpan.FromSeconds(30));
        await kubelet.StartUpPollAsync();
        return kubelet;
    }

    /// <summary>
    /// Waits until the manager's own start-up pod-resources poll is over: it logs either that pod resources
    /// cannot be read (5101) or what it restored (5103). Until then that poll may land between a test's steps
    /// and count as one of the test's polls; afterwards the long poll period keeps the test the only driver.
    /// </summary>
    public async Task StartUpPollAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (Log.Count(5101) + Log.Count(5103) == 0)
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    public async Task StartRegistrationAsync()
    {
        _registrationServer = await UnixSocketGrpcServer.StartAsync(
            Path.Combine(DevicePluginPath, KubeletDevicePlugin.KubeletSocketName),
            s => s.AddSingleton(Registration),
            a => a.MapGrpcService<StandInRegistration>());
    }

    public async Task StartPodResourcesAsync()
    {
        _podResourcesServer = await UnixSocketGrpcServer.StartAsync(
            Path.Combine(PodResourcesPath, KubeletDevicePlugin.KubeletSocketName),
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

    /// <summary>A client of our plugin socket for <paramref name="resource"/>, at the endpoint it registered.</summary>
    public PluginClient ClientFor(StandInRegistration.Registered registered) =>
        new(Path.Combine(DevicePluginPath, registered.Request.Endpoint));

    public async ValueTask DisposeAsync()
    {
        await Manager.StopAsync(CancellationToken.None);
        Manager.Dispose();
        if (_registrationServer is not null)
        {
            await _registrationServer.DisposeAsync();
        }

        if (_podResourcesServer is not null)
        {
            await _podResourcesServer.DisposeAsync();
        }

        Loggers.Dispose();
        _folder.Dispose();
    }
}
