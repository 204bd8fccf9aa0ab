using System.Net;
using Grpc.Health.V1;
using Grpc.Net.Client;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.EndToEnd.Tests.Ops;

/// <summary>
/// Each listener of the real executable answers only for its own endpoint group (decision 016): the NSM socket and the
/// NSM TCP listener serve NSM gRPC and health only; the dashboard, <c>/debug/runtime</c> and the ops endpoints each
/// answer on their own listener and 404 everywhere else.
/// </summary>
[Trait("Requires", "root")]
public sealed class SurfacesEndToEndTests(OpsForwarderFixture fixture) : IClassFixture<OpsForwarderFixture>
{
    private static readonly string[] ForeignToNsm = ["/dashboard", "/debug/runtime", "/metrics", "/healthz", "/readyz"];

    [RootFact("runs the forwarder as root on a simulated node with real veths")]
    public async Task NsmSocketAndTcpListener_DashboardDiagnosticsAndOpsPaths_Answer404()
    {
        foreach (var path in ForeignToNsm)
        {
            Assert.Equal((path, HttpStatusCode.NotFound), (path, await SurfaceHttp.GetHttp2OnUnixSocketAsync(fixture.Harness.ListenSocket, path)));
            Assert.Equal((path, HttpStatusCode.NotFound), (path, await SurfaceHttp.GetHttp2OnTcpAsync(fixture.NsmTcpPort, path)));
        }
    }

    [RootFact("runs the forwarder as root on a simulated node with real veths")]
    public async Task NsmSocketAndTcpListener_GrpcHealth_StillServing()
    {
        using var socket = UnixSocketChannelFactory.Create(fixture.Harness.ListenSocket, TimeSpan.FromSeconds(5));
        using var tcp = GrpcChannel.ForAddress($"http://127.0.0.1:{fixture.NsmTcpPort}");

        var onSocket = await new Health.HealthClient(socket).CheckAsync(new HealthCheckRequest { Service = "networkservice.NetworkService" });
        var onTcp = await new Health.HealthClient(tcp).CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, onSocket.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, onTcp.Status);
    }

    [RootFact("runs the forwarder as root on a simulated node with real veths")]
    public async Task EachHttpListener_ServesOnlyItsOwnGroup()
    {
        Assert.Equal(HttpStatusCode.OK, (await SurfaceHttp.GetAsync(fixture.DashboardPort, "/dashboard")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SurfaceHttp.GetAsync(fixture.DashboardPort, "/debug/runtime")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SurfaceHttp.GetAsync(fixture.DashboardPort, "/metrics")).Status);

        var runtime = await SurfaceHttp.GetAsync(fixture.PprofPort, "/debug/runtime");
        Assert.Equal(HttpStatusCode.OK, runtime.Status);
        Assert.Contains("workingSetBytes", runtime.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await SurfaceHttp.GetAsync(fixture.PprofPort, "/dashboard")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SurfaceHttp.GetAsync(fixture.PprofPort, "/healthz")).Status);

        Assert.Equal(HttpStatusCode.OK, (await SurfaceHttp.GetAsync(fixture.OpsPort, "/healthz")).Status);
        Assert.Equal(HttpStatusCode.OK, (await SurfaceHttp.GetAsync(fixture.OpsPort, "/readyz")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SurfaceHttp.GetAsync(fixture.OpsPort, "/dashboard")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SurfaceHttp.GetAsync(fixture.OpsPort, "/debug/runtime")).Status);
    }

    [RootFact("runs the forwarder as root on a simulated node with real veths")]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void NsmSocket_IsOwnerOnly()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(fixture.Harness.ListenSocket));
    }
}
