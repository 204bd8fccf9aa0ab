using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SriovForwarder.Benchmarks.DevicePlugin;

/// <summary>
/// A stand-in kubelet for the bench (the tests' stand-in lives in the test project): the Registration service
/// on <c>kubelet.sock</c>, with the moment the socket file was bound recorded from inside Kestrel's listener
/// factory, so the measured delay starts when the file appears, not when the stand-in begins starting.
/// </summary>
public sealed class StandInKubeletRegistration : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StandInKubeletRegistration(WebApplication app) => _app = app;

    /// <summary>Binds <paramref name="socketPath"/> and serves Registration until disposed.</summary>
    public static async Task<StandInKubeletRegistration> StartAsync(string socketPath, RegisterRecorder recorder)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseSockets(sockets => sockets.CreateBoundListenSocket = endpoint =>
        {
            var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
            recorder.Bound();
            return socket;
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(socketPath, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(recorder);
        var app = builder.Build();
        app.MapGrpcService<StandInRegistrationService>();
        await app.StartAsync();
        return new StandInKubeletRegistration(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
