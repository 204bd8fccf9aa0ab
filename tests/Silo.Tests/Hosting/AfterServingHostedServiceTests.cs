using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SriovForwarder.Silo.Hosting;

namespace SriovForwarder.Silo.Tests.Hosting;

/// <summary>
/// The deferred start of decision 044 on a real generic host: a service registered through
/// <see cref="AfterServingRegistration.StartAfterServing"/> starts only once the host has started, stops in its
/// registered place, never starts when the start fails, and a failure of its background loop stops the host.
/// </summary>
public sealed class AfterServingHostedServiceTests
{
    private readonly ConcurrentQueue<string> _events = new();

    [Fact]
    public async Task Deferred_StartsOnceTheHostHasStarted_AndStopsInItsRegisteredPlace()
    {
        using var host = Build(s =>
        {
            s.AddSingleton<IHostedService>(new Recording("before", _events));
            s.StartAfterServing(d => d.AddSingleton<IHostedService>(sp => new Recording("deferred", _events, sp.GetRequiredService<IHostApplicationLifetime>())));
            s.AddSingleton<IHostedService>(new Recording("after", _events));
        });

        await host.StartAsync();
        await Eventually.TrueAsync(() => _events.Contains("deferred started"), "the deferred service started");
        await host.StopAsync();

        Assert.Equal(
            ["before started", "after started", "deferred started (host started: True)", "deferred started", "after stopped", "deferred stopped", "before stopped"],
            _events.ToArray());
    }

    [Fact]
    public async Task FailedStart_DeferredServiceNeverStartsNorStops()
    {
        using var host = Build(s =>
        {
            s.StartAfterServing(d => d.AddSingleton<IHostedService>(new Recording("deferred", _events)));
            s.AddSingleton<IHostedService>(new Recording("failing", _events, failStart: true));
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        await host.StopAsync();

        Assert.DoesNotContain(_events, e => e.StartsWith("deferred", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeferredBackgroundService_Fails_StopsTheHost()
    {
        using var host = Build(s => s.StartAfterServing(d => d.AddHostedService<FailingLoop>()));
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();

        await host.StartAsync();
        await Eventually.TrueAsync(() => lifetime.ApplicationStopping.IsCancellationRequested, "the host was told to stop");
        await host.StopAsync();

        Assert.True(host.Services.GetServices<IHostedService>().OfType<AfterServingHostedService>().Single().Started);
    }

    private static IHost Build(Action<IServiceCollection> services)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        services(builder.Services);
        return builder.Build();
    }

    private sealed class Recording(string name, ConcurrentQueue<string> events, IHostApplicationLifetime? lifetime = null, bool failStart = false) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (failStart)
            {
                throw new InvalidOperationException($"{name} cannot start");
            }

            if (lifetime is not null)
            {
                events.Enqueue($"{name} started (host started: {lifetime.ApplicationStarted.IsCancellationRequested})");
            }

            events.Enqueue($"{name} started");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            events.Enqueue($"{name} stopped");
            return Task.CompletedTask;
        }
    }

    private sealed class FailingLoop : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            throw new InvalidOperationException("the loop broke");
        }
    }
}
