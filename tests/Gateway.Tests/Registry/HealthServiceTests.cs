using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using SriovForwarder.Gateway.Registry;
using SriovForwarder.Gateway.Transport;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.Gateway.Tests.Registry;

/// <summary><c>grpc.health.v1.Health</c> as mapped on the NSM socket, over a real unix socket.</summary>
public sealed class HealthServiceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sriov-health-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("")]
    [InlineData("networkservice.NetworkService")]
    [InlineData("connection.MonitorConnection")]
    public async Task Check_UpstreamServiceNames_AreServing(string service)
    {
        await using var server = await StartAsync();
        using var channel = UnixSocketChannelFactory.Create(server.SocketPath);

        var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = service });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task Check_UnknownService_IsNotFound()
    {
        await using var server = await StartAsync();
        using var channel = UnixSocketChannelFactory.Create(server.SocketPath);

        var error = await Assert.ThrowsAsync<RpcException>(
            async () => await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = "registry.NetworkServiceEndpointRegistry" }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    private Task<UnixSocketGrpcServer> StartAsync() =>
        UnixSocketGrpcServer.StartAsync(Path.Combine(_folder, "listen_on.io.sock"), s => s.AddNsmHealth(), e => e.MapNsmHealth());
}
