using System.Net.Sockets;
using OpenTelemetry.Metrics;
using SriovForwarder.Silo.Configuration;
using SriovForwarder.Silo.Extensions;
using SriovForwarder.Silo.Hosting;

namespace SriovForwarder.Silo.Ops;

/// <summary>
/// The ops listener (NSM_OPS_LISTEN_ON) as a Kestrel server of its own (decision 016): it starts before the silo and
/// stops after everything else, so <c>/readyz</c> answers 503 while the node grain is not active yet and for the whole
/// shutdown, where the forwarder's main Kestrel (started after every hosted service, stopped first) would not answer.
/// </summary>
public sealed class OpsServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OpsServer(WebApplication app) => _app = app;

    /// <summary>Starts the ops listener over the forwarder's readiness and meters; null when NSM_OPS_LISTEN_ON is empty.</summary>
    /// <exception cref="StartupRefusedException">The address cannot be bound.</exception>
    public static async Task<OpsServer?> StartAsync(ForwarderSettings settings, IServiceProvider forwarder)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(forwarder);
        if (settings.OpsListenOn is not { } address)
        {
            return null;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenHttp1(address, ListenerSurface.Ops));
        var app = builder.Build();
        app.MapOps(forwarder.GetRequiredService<ReadinessState>(), forwarder.GetRequiredService<MeterProvider>());
        try
        {
            await app.StartAsync();
        }
        catch (IOException ex) when (ex.InnerException is SocketException or null)
        {
            await app.DisposeAsync();
            throw new StartupRefusedException($"NSM_OPS_LISTEN_ON={address}: cannot listen: {ex.Message}", ex);
        }

        return new OpsServer(app);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            await _app.StopAsync(timeout.Token);
        }

        await _app.DisposeAsync();
    }
}
