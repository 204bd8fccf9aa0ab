using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SriovForwarder.Gateway.DevicePlugin;

namespace SriovForwarder.Gateway.Tests.DevicePlugin;

/// <summary>
/// A stand-in kubelet in a temporary folder (<see cref="StandInKubeletSockets"/>: Registration on <c>dp/kubelet.sock</c>,
/// pod resources on <c>pr/kubelet.sock</c>) and our device plugin pointed at both.
/// </summary>
public sealed class StandInKubelet : IAsyncDisposable
{
    private readonly TempSocketFolder _folder = new();
    private readonly ServiceProvider _services;

    private StandInKubelet(DevicePluginClusterFixture cluster, TimeSpan pollPeriod)
    {
        Sockets = new StandInKubeletSockets(_folder.Path);
        Loggers = LoggerFactory.Create(b => b.AddProvider(Log).SetMinimumLevel(LogLevel.Debug));
        _services = new ServiceCollection()
            .AddSingleton(cluster.Grains)
            .AddSingleton(Loggers)
            .AddLogging()
            .AddKubeletDevicePlugin(o =>
            {
                o.NodeName = DevicePluginClusterFixture.Node;
                o.DevicePluginPath = DevicePluginPath;
                o.PodResourcesPath = PodResourcesPath;
                o.ResourcePollTimeout = pollPeriod;
                o.KubeletCallTimeout = TimeSpan.FromSeconds(2);
            })
            .BuildServiceProvider();
        Manager = _services.GetRequiredService<DevicePluginManager>();
    }

    public StandInKubeletSockets Sockets { get; }

    public string DevicePluginPath => Sockets.DevicePluginPath;

    public string PodResourcesPath => Sockets.PodResourcesPath;

    public StandInRegistration Registration => Sockets.Registration;

    public PodResourcesState PodResources => Sockets.PodResources;

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

    public Task StartRegistrationAsync() => Sockets.StartRegistrationAsync();

    public Task StartPodResourcesAsync() => Sockets.StartPodResourcesAsync();

    /// <inheritdoc cref="StandInKubeletSockets.RestartAsync"/>
    public Task RestartAsync() => Sockets.RestartAsync();

    /// <inheritdoc cref="StandInKubeletSockets.NextRegistrationAsync"/>
    public Task<StandInRegistration.Registered> NextRegistrationAsync(string resource) => Sockets.NextRegistrationAsync(resource);

    /// <inheritdoc cref="StandInKubeletSockets.RegistrationsAsync"/>
    public Task<IReadOnlyList<StandInRegistration.Registered>> RegistrationsAsync(int count) => Sockets.RegistrationsAsync(count);

    /// <inheritdoc cref="StandInKubeletSockets.AcceptedRegistrationsAsync"/>
    public Task<IReadOnlyList<StandInRegistration.Registered>> AcceptedRegistrationsAsync(params string[] resources) =>
        Sockets.AcceptedRegistrationsAsync(resources);

    /// <inheritdoc cref="StandInKubeletSockets.ClientFor"/>
    public PluginClient ClientFor(StandInRegistration.Registered registered) => Sockets.ClientFor(registered);

    public async ValueTask DisposeAsync()
    {
        await Manager.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
        await Sockets.DisposeAsync();
        Loggers.Dispose();
        _folder.Dispose();
    }
}
