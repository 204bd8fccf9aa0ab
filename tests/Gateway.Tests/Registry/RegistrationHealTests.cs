using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SriovForwarder.Gateway.Registry;
using SriovForwarder.Gateway.Transport;
using SriovForwarder.TestSupport.StandIns;
using SriovForwarder.TestSupport.Waiting;

namespace SriovForwarder.Gateway.Tests.Registry;

/// <summary>
/// The registry heal (upstream §7.1) against the stand-in NSMgr registry on a real unix socket: after registering, the
/// forwarder watches its own entry; when that watch breaks it registers again at once, long before the refresh is due.
/// The refresh lies 6 minutes out in every test here, so any second Register within the test's patience is the heal's.
/// </summary>
public sealed class RegistrationHealTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _folder = Directory.CreateTempSubdirectory("sriov-heal-").FullName;
    private readonly RecordingLogger<RegistrationService> _logger = new();

    private string RegistrySocket => Path.Combine(_folder, "nsm.io.sock");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Register_WatchesItsOwnEntryByName()
    {
        using var registry = new StandInRegistry();
        await using var server = await StartRegistryAsync(registry);
        using var service = CreateService();

        await service.StartAsync(CancellationToken.None);
        await ReadAsync(registry.Registrations);
        var watch = await ReadAsync(registry.WatchQueries);
        await service.StopAsync(CancellationToken.None);

        Assert.True(watch.Watch);
        Assert.Equal("fwd-heal", watch.NetworkServiceEndpoint.Name);
    }

    [Fact]
    public async Task WatchBroken_RegistersAgainWithoutWaitingForTheRefresh()
    {
        using var registry = new StandInRegistry();
        await using var server = await StartRegistryAsync(registry);
        using var service = CreateService();
        await service.StartAsync(CancellationToken.None);
        await ReadAsync(registry.Registrations);
        await ReadAsync(registry.WatchQueries);

        registry.EndWatches();
        var again = await ReadAsync(registry.Registrations);
        var newWatch = await ReadAsync(registry.WatchQueries);
        await service.StopAsync(CancellationToken.None);

        Assert.Equal("fwd-heal", again.Name);
        Assert.Equal("fwd-heal", newWatch.NetworkServiceEndpoint.Name);
        Assert.Contains(_logger.Lines, l => l.EventId == 7200 && l.Message.Contains("fwd-heal", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RegistryRestarted_TheNewRegistryGetsTheRegistrationBack()
    {
        using var service = CreateService();
        using (var first = new StandInRegistry())
        {
            await using var server = await StartRegistryAsync(first);
            await service.StartAsync(CancellationToken.None);
            await ReadAsync(first.Registrations);
            await ReadAsync(first.WatchQueries);
        }

        // A fresh NSMgr on the same socket knows nothing of us until we register again.
        using var restarted = new StandInRegistry();
        await using var again = await StartRegistryAsync(restarted);
        var endpoint = await ReadAsync(restarted.Registrations);
        await ReadAsync(restarted.WatchQueries);
        await service.StopAsync(CancellationToken.None);

        Assert.Equal("fwd-heal", endpoint.Name);
        Assert.Equal(["forwarder"], endpoint.NetworkServiceNames);
    }

    [Fact]
    public async Task Refreshes_KeepOneWatchOpen()
    {
        // 1.5 s granted: a refresh every second.
        using var registry = new StandInRegistry { GrantedLifetime = TimeSpan.FromSeconds(1.5) };
        await using var server = await StartRegistryAsync(registry);
        using var service = CreateService();
        await service.StartAsync(CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            await ReadAsync(registry.Registrations);
            await ReadAsync(registry.WatchQueries);
        }

        await Eventually.TrueAsync(() => registry.OpenWatches == 1, "one open watch after three registrations");
        await service.StopAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => registry.OpenWatches == 0, "no watch left after the stop");
    }

    private RegistrationService CreateService() => new(Options.Create(new RegistrationOptions
    {
        ConnectTo = $"unix://{RegistrySocket}",
        Name = "fwd-heal",
        NetworkServiceName = "forwarder",
        Url = "unix:///run/fwd/listen_on.io.sock",
        PassSocketDescriptor = false,
        Lifetime = TimeSpan.FromMinutes(10),
        FirstRetryDelay = TimeSpan.FromMilliseconds(50),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
    }), TimeProvider.System, _logger);

    private Task<UnixSocketGrpcServer> StartRegistryAsync(StandInRegistry registry) =>
        UnixSocketGrpcServer.StartAsync(RegistrySocket, s => s.AddSingleton(registry), e => e.MapGrpcService<StandInRegistry>());

    private static async Task<T> ReadAsync<T>(Channel<T> channel)
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await channel.Reader.ReadAsync(timeout.Token);
    }
}
