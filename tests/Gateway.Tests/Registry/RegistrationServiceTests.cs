using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SriovForwarder.Gateway.Registry;
using SriovForwarder.Gateway.Transport;

namespace SriovForwarder.Gateway.Tests.Registry;

/// <summary>The background registration against a stand-in registry on a real unix socket.</summary>
public sealed class RegistrationServiceTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _folder = Directory.CreateTempSubdirectory("sriov-registry-").FullName;
    private readonly RecordingRegistry _registry = new();
    private readonly RecordingLogger<RegistrationService> _logger = new();

    private string RegistrySocket => Path.Combine(_folder, "nsm.io.sock");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Start_RegistersNameServiceLabelsOurUrlAndAnExpiration()
    {
        await using var server = await StartRegistryAsync();
        var service = CreateService();
        var before = DateTimeOffset.UtcNow;

        await service.StartAsync(CancellationToken.None);
        var (endpoint, _, _) = await ReadAsync(_registry.Registrations);
        await Eventually.TrueAsync(() => _logger.Count(2100) == 1, "the registration to be logged", Patience);
        await service.StopAsync(CancellationToken.None);

        Assert.Equal("fwd-test", endpoint.Name);
        Assert.Equal(["forwarder"], endpoint.NetworkServiceNames);
        Assert.Equal("true", endpoint.NetworkServiceLabels["forwarder"].Labels["p2p"]);
        Assert.Equal("unix:///run/fwd/listen_on.io.sock", endpoint.Url);
        Assert.InRange(endpoint.ExpirationTime.ToDateTimeOffset(), before.AddMinutes(10), DateTimeOffset.UtcNow.AddMinutes(10));
        Assert.Equal(1, _logger.Count(2100));
    }

    [Fact]
    public async Task Refresh_RegistryGrantsAShortLifetime_RegistersAgainBeforeItEnds()
    {
        _registry.GrantedLifetime = TimeSpan.FromSeconds(3);
        await using var server = await StartRegistryAsync();
        var service = CreateService();

        await service.StartAsync(CancellationToken.None);
        var (_, _, firstReturned) = await ReadAsync(_registry.Registrations);
        var (second, secondAt, _) = await ReadAsync(_registry.Registrations);
        await Eventually.TrueAsync(() => _logger.Count(2101) >= 1, "the refresh to be logged", Patience);
        await service.StopAsync(CancellationToken.None);

        Assert.Equal("fwd-test", second.Name);
        Assert.True(secondAt < firstReturned.ExpirationTime.ToDateTimeOffset(),
            $"the refresh at {secondAt:O} came after the granted expiration {firstReturned.ExpirationTime}");
        // Only the first registration is news; refreshes log at Debug under their own id.
        Assert.Equal(1, _logger.Count(2100));
    }

    [Fact]
    public async Task Start_RegistryDown_DoesNotBlockLogsOnceAndRegistersWhenItComesUp()
    {
        var service = CreateService();

        await service.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => _logger.Count(2103) >= 2, "two failed retries", Patience);
        Assert.False(service.IsRegistered);
        await using var server = await StartRegistryAsync();
        var (endpoint, _, _) = await ReadAsync(_registry.Registrations);
        await Eventually.TrueAsync(() => service.IsRegistered, "the service to note the registration", Patience);
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
        var service = CreateService();
        await service.StartAsync(CancellationToken.None);
        await ReadAsync(_registry.Registrations);
        await Eventually.TrueAsync(() => service.IsRegistered, "the registration", Patience);

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
        var service = CreateService();
        await service.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => _logger.Count(2102) == 1, "the unreachable warning", Patience);

        await service.StopAsync(CancellationToken.None);

        Assert.Equal(0, _logger.Count(2104) + _logger.Count(2105));
    }

    [Fact]
    public async Task Stop_RegistryGoneAfterRegistering_ReportsTheFailedUnregisterAndStops()
    {
        var service = CreateService();
        await using (await StartRegistryAsync())
        {
            await service.StartAsync(CancellationToken.None);
            await ReadAsync(_registry.Registrations);
            await Eventually.TrueAsync(() => service.IsRegistered, "the registration", Patience);
        }

        await service.StopAsync(CancellationToken.None);

        Assert.Contains(_logger.Lines, l => l.EventId == 2105 && l.Message.Contains("fwd-test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_MalformedRegistryUrl_LogsTheUrlAndKeepsTheHostAlive()
    {
        var service = new RegistrationService(Options.Create(Options_("nsmgr:5000")), _logger);

        await service.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => _logger.Count(2106) == 1, "the configuration error", Patience);
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

    private RegistrationService CreateService() => new(Options.Create(Options_()), _logger);

    private Task<UnixSocketGrpcServer> StartRegistryAsync() =>
        UnixSocketGrpcServer.StartAsync(RegistrySocket, s => s.AddSingleton(_registry), e => e.MapGrpcService<RecordingRegistry>());

    private static async Task<T> ReadAsync<T>(Channel<T> channel)
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await channel.Reader.ReadAsync(timeout.Token);
    }
}
