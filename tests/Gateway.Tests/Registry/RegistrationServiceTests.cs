using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SriovForwarder.Gateway.Registry;
using SriovForwarder.Gateway.Transport;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.Gateway.Tests.Registry;

/// <summary>
/// The background registration against a stand-in registry on a real unix socket. Service and registry share a fake
/// clock: expirations, refreshes and retry pauses happen when the test advances it, never on their own.
/// </summary>
public sealed class RegistrationServiceTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _folder = Directory.CreateTempSubdirectory("sriov-registry-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly RecordingRegistry _registry;
    private readonly RecordingLogger<RegistrationService> _logger = new();

    public RegistrationServiceTests() => _registry = new RecordingRegistry { Time = _time };

    private string RegistrySocket => Path.Combine(_folder, "nsm.io.sock");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Start_RegistersNameServiceLabelsOurUrlAndAnExpiration()
    {
        await using var server = await StartRegistryAsync();
        using var service = CreateService();

        await service.StartAsync(CancellationToken.None);
        var (endpoint, _, _) = await ReadAsync(_registry.Registrations);
        await _logger.WaitForAsync(2100);
        await service.StopAsync(CancellationToken.None);

        Assert.Equal("fwd-test", endpoint.Name);
        Assert.Equal(["forwarder"], endpoint.NetworkServiceNames);
        Assert.Equal("true", endpoint.NetworkServiceLabels["forwarder"].Labels["p2p"]);
        Assert.Equal("unix:///run/fwd/listen_on.io.sock", endpoint.Url);
        Assert.Equal(_time.GetUtcNow().AddMinutes(10), endpoint.ExpirationTime.ToDateTimeOffset());
        Assert.Equal(1, _logger.Count(2100));
    }

    [Fact]
    public async Task Refresh_RegistryGrantsAShortLifetime_RegistersAgainAtTwoThirdsOfIt()
    {
        _registry.GrantedLifetime = TimeSpan.FromSeconds(3);
        await using var server = await StartRegistryAsync();
        using var service = CreateService();

        await service.StartAsync(CancellationToken.None);
        var (_, firstAt, firstReturned) = await ReadAsync(_registry.Registrations);
        await _logger.WaitForAsync(2100);
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(_registry.Registrations.Reader.TryRead(out _), "refreshed before 2/3 of the granted lifetime");
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var (second, secondAt, _) = await ReadAsync(_registry.Registrations);
        await _logger.WaitForAsync(2101);
        await service.StopAsync(CancellationToken.None);

        Assert.Equal("fwd-test", second.Name);
        Assert.Equal(firstAt.AddSeconds(2), secondAt);
        Assert.True(secondAt < firstReturned.ExpirationTime.ToDateTimeOffset());
        Assert.Equal(secondAt.AddMinutes(10), second.ExpirationTime.ToDateTimeOffset());
        // Only the first registration is news; refreshes log at Debug under their own id.
        Assert.Equal(1, _logger.Count(2100));
    }

    [Fact]
    public async Task Start_RegistryDown_DoesNotBlockLogsOnceAndRegistersWhenItComesUp()
    {
        using var service = CreateService();

        await service.StartAsync(CancellationToken.None);
        await _logger.WaitForAsync(2102);
        // The pause doubles from FirstRetryDelay (50 ms) up to MaxRetryDelay (200 ms); no retry comes early.
        foreach (var (pause, retries) in new[] { (50, 1), (100, 2), (200, 3) })
        {
            _time.Advance(TimeSpan.FromMilliseconds(pause - 1));
            Assert.Equal(retries - 1, _logger.Count(2103));
            _time.Advance(TimeSpan.FromMilliseconds(1));
            await _logger.WaitForAsync(2103, retries);
        }

        Assert.False(service.IsRegistered);
        await using var server = await StartRegistryAsync();
        var endpoint = await RetryUntilRegisteredAsync();
        await _logger.WaitForAsync(2100);
        Assert.True(service.IsRegistered);
        await service.StopAsync(CancellationToken.None);

        Assert.Equal("fwd-test", endpoint.Name);
        Assert.Equal(1, _logger.Count(2102));
        Assert.Contains(_logger.Lines, l => l.EventId == 2102 && l.Message.Contains(RegistrySocket, StringComparison.Ordinal));
        Assert.Equal(1, _logger.Count(2100));
    }

    [Fact]
    public async Task Stop_AfterRegistering_UnregistersTheSameEndpoint()
    {
        await using var server = await StartRegistryAsync();
        using var service = CreateService();
        await service.StartAsync(CancellationToken.None);
        await ReadAsync(_registry.Registrations);
        await _logger.WaitForAsync(2100);

        await service.StopAsync(CancellationToken.None);
        var unregistered = await ReadAsync(_registry.Unregistrations);

        Assert.Equal("fwd-test", unregistered.Name);
        Assert.Equal("unix:///run/fwd/listen_on.io.sock", unregistered.Url);
        Assert.False(service.IsRegistered);
        Assert.Equal(1, _logger.Count(2104));
    }

    [Fact]
    public async Task Stop_NeverRegistered_SendsNoUnregister()
    {
        using var service = CreateService();
        await service.StartAsync(CancellationToken.None);
        await _logger.WaitForAsync(2102);

        await service.StopAsync(CancellationToken.None);

        Assert.Equal(0, _logger.Count(2104) + _logger.Count(2105));
    }

    [Fact]
    public async Task Stop_RegistryGoneAfterRegistering_ReportsTheFailedUnregisterAndStops()
    {
        using var service = CreateService();
        await using (await StartRegistryAsync())
        {
            await service.StartAsync(CancellationToken.None);
            await ReadAsync(_registry.Registrations);
            await _logger.WaitForAsync(2100);
        }

        await service.StopAsync(CancellationToken.None);

        Assert.Contains(_logger.Lines, l => l.EventId == 2105 && l.Message.Contains("fwd-test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_MalformedRegistryUrl_LogsTheUrlAndKeepsTheHostAlive()
    {
        using var service = new RegistrationService(Options.Create(Options_("nsmgr:5000")), _time, _logger);

        await service.StartAsync(CancellationToken.None);
        await _logger.WaitForAsync(2106);
        await service.StopAsync(CancellationToken.None);

        Assert.Contains(_logger.Lines, l => l.EventId == 2106 && l.Message.Contains("nsmgr:5000", StringComparison.Ordinal));
    }

    private RegistrationOptions Options_(string? connectTo = null) => new()
    {
        ConnectTo = connectTo ?? $"unix://{RegistrySocket}",
        Name = "fwd-test",
        NetworkServiceName = "forwarder",
        Labels = new Dictionary<string, string> { ["p2p"] = "true" },
        Url = "unix:///run/fwd/listen_on.io.sock",
        // No such socket exists here; passing our socket's descriptor is tested end to end with the real executable.
        PassSocketDescriptor = false,
        Lifetime = TimeSpan.FromMinutes(10),
        FirstRetryDelay = TimeSpan.FromMilliseconds(50),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
    };

    private RegistrationService CreateService() => new(Options.Create(Options_()), _time, _logger);

    private Task<UnixSocketGrpcServer> StartRegistryAsync() =>
        UnixSocketGrpcServer.StartAsync(RegistrySocket, s => s.AddSingleton(_registry), e => e.MapGrpcService<RecordingRegistry>());

    private static async Task<T> ReadAsync<T>(Channel<T> channel)
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await channel.Reader.ReadAsync(timeout.Token);
    }

    // The channel may still refuse the first attempts after the registry came up (gRPC's own reconnect backoff runs on
    // the real clock), so each failed attempt is answered by one more retry pause.
    private async Task<Api.Nsm.Registry.NetworkServiceEndpoint> RetryUntilRegisteredAsync()
    {
        using var done = new CancellationTokenSource();
        var registered = _registry.Registrations.Reader.ReadAsync().AsTask();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var failed = _logger.Count(2103);
            _time.Advance(TimeSpan.FromMilliseconds(200));
            var next = await Task.WhenAny(registered, _logger.WaitForAsync(2103, failed + 1, done.Token));
            if (next == registered)
            {
                await done.CancelAsync();
                return (await registered).Endpoint;
            }

            await next;
        }

        throw new TimeoutException("the registry came up but the service never registered");
    }
}
