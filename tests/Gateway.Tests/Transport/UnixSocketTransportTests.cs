using System.Net.Sockets;
using System.Runtime.Versioning;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;
using SriovForwarder.Gateway.Transport;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.Gateway.Tests.Transport;

/// <summary>Serves gRPC on real unix sockets with Kestrel and calls it through the channel factories.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class UnixSocketTransportTests : IDisposable
{
    private static readonly RegisterRequest Request = new()
    {
        Version = "v1beta1",
        Endpoint = "worker.domain-10G.sock",
        ResourceName = "worker.domain/10G",
    };

    private readonly TempSocketFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Create_ServerOnUnixSocket_CallReachesTheService()
    {
        var fake = new FakeRegistration();
        await using var server = await StartRegistrationAsync(_folder.Socket("kubelet.sock"), fake);
        using var channel = UnixSocketChannelFactory.Create(server.SocketPath);

        await new Registration.RegistrationClient(channel).RegisterAsync(Request);

        Assert.Equal(Request, Assert.Single(fake.Requests));
    }

    [Fact]
    public async Task Create_UnixUrl_CallReachesTheService()
    {
        var fake = new FakeRegistration();
        await using var server = await StartRegistrationAsync(_folder.Socket("nsm.sock"), fake);
        using var channel = GrpcUrlChannelFactory.Create("unix://" + server.SocketPath, TimeSpan.FromSeconds(5));

        await new Registration.RegistrationClient(channel).RegisterAsync(Request);

        Assert.Single(fake.Requests);
    }

    [Fact]
    public async Task StartAsync_MissingParentFolder_CreatesItAndSetsDefaultMode()
    {
        var path = Path.Combine(_folder.Path, "plugins", "deep", "a.sock");

        await using var server = await StartRegistrationAsync(path, new FakeRegistration());

        Assert.True(UnixSocketFile.IsSocket(path));
        Assert.Equal(UnixSocketFile.DefaultMode, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task StartAsync_StaleSocketFileLeftBehind_ReplacesItAndServes()
    {
        var path = _folder.Socket("stale.sock");
        using (var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            // .NET unlinks a socket file when its socket is disposed; moving the file away first leaves it behind, as a crash does.
            stale.Bind(new UnixDomainSocketEndPoint(path + ".tmp"));
            File.Move(path + ".tmp", path);
        }

        Assert.True(UnixSocketFile.IsSocket(path));
        var fake = new FakeRegistration();

        await using var server = await StartRegistrationAsync(path, fake);
        using var channel = UnixSocketChannelFactory.Create(path);
        await new Registration.RegistrationClient(channel).RegisterAsync(Request);

        Assert.Single(fake.Requests);
    }

    [Fact]
    public async Task StartAsync_RegularFileAtSocketPath_FailsNamingThePathAndLeavesTheFile()
    {
        var path = _folder.Socket("data.sock");
        await File.WriteAllTextAsync(path, "keep me");

        var error = await Assert.ThrowsAsync<IOException>(() => StartRegistrationAsync(path, new FakeRegistration()));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("regular file", error.Message, StringComparison.Ordinal);
        Assert.Equal("keep me", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task ListenUnixSocketHttp2_InWebApplication_ServesAndAppliesConfiguredMode()
    {
        var path = _folder.Socket("app.sock");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocketHttp2(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite));
        builder.Services.AddGrpc();
        var fake = new FakeRegistration();
        builder.Services.AddSingleton(fake);
        await using var app = builder.Build();
        app.MapGrpcService<FakeRegistration>();
        await app.StartAsync();

        using var channel = UnixSocketChannelFactory.Create(path);
        await new Registration.RegistrationClient(channel).RegisterAsync(Request);
        var mode = File.GetUnixFileMode(path);
        await app.StopAsync();

        Assert.Single(fake.Requests);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, mode);
    }

    [Fact]
    public async Task Call_MissingSocket_FailsUnavailableNamingTheSocket()
    {
        var path = _folder.Socket("absent.sock");
        using var channel = UnixSocketChannelFactory.Create(path, TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<RpcException>(() => new Registration.RegistrationClient(channel).RegisterAsync(Request).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains($"Cannot connect to unix socket '{path}'", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("no socket file exists", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_SocketWithNoListener_FailsUnavailableSayingNothingListens()
    {
        var path = _folder.Socket("dead.sock");
        using var bound = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        bound.Bind(new UnixDomainSocketEndPoint(path));
        using var channel = UnixSocketChannelFactory.Create(path, TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<RpcException>(() => new Registration.RegistrationClient(channel).RegisterAsync(Request).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("nothing is listening", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_ListenerWithFullBacklogNeverAccepts_FailsWithTheConnectTimeoutNamingTheSocket()
    {
        var path = _folder.Socket("busy.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(0);
        var fillers = FillBacklog(path);
        try
        {
            using var channel = UnixSocketChannelFactory.Create(path, TimeSpan.FromMilliseconds(300));

            var error = await Assert.ThrowsAsync<RpcException>(() => new Registration.RegistrationClient(channel).RegisterAsync(Request).ResponseAsync);

            Assert.Equal(StatusCode.Unavailable, error.StatusCode);
            Assert.Contains($"Connecting to unix socket '{path}' timed out after", error.Status.Detail, StringComparison.Ordinal);
            Assert.Contains("not accepting connections", error.Status.Detail, StringComparison.Ordinal);
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
        }
    }

    [Fact]
    public async Task Call_ServerStopped_NextCallFailsAndRestartedServerOnSamePathServesAgain()
    {
        var path = _folder.Socket("restart.sock");
        var first = new FakeRegistration();
        var second = new FakeRegistration();
        using var channel = UnixSocketChannelFactory.Create(path, TimeSpan.FromSeconds(5));
        var client = new Registration.RegistrationClient(channel);

        await using (await StartRegistrationAsync(path, first))
        {
            await client.RegisterAsync(Request);
        }

        await Assert.ThrowsAsync<RpcException>(() => client.RegisterAsync(Request).ResponseAsync);
        await using (await StartRegistrationAsync(path, second))
        {
            await client.RegisterAsync(Request);
        }

        Assert.Single(first.Requests);
        Assert.Single(second.Requests);
    }

    private static List<Socket> FillBacklog(string path)
    {
        // A unix listener that never accepts makes further connects block once its backlog is full: a hung peer.
        var fillers = new List<Socket>();
        for (var i = 0; i < 64; i++)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { Blocking = false };
            fillers.Add(socket);
            try
            {
                socket.Connect(new UnixDomainSocketEndPoint(path));
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.TryAgain or SocketError.InProgress)
            {
                return fillers;
            }
        }

        throw new InvalidOperationException($"The backlog of '{path}' never filled up.");
    }

    private static Task<UnixSocketGrpcServer> StartRegistrationAsync(string path, FakeRegistration fake) =>
        UnixSocketGrpcServer.StartAsync(
            path,
            services => services.AddSingleton(fake),
            endpoints => endpoints.MapGrpcService<FakeRegistration>());
}
