using System.Net;
using System.Net.Sockets;
using SriovForwarder.Silo.Configuration;
using SriovForwarder.Silo.Hosting;

namespace SriovForwarder.Silo.Tests.Hosting;

public sealed class ListenPortCheckTests
{
    [Fact]
    public void Ensure_FreePorts_DoesNotRefuseAndLeavesThemFree()
    {
        var ports = new[] { Loopback("NSM_SILO_PORT", FreePort()), Loopback("NSM_GATEWAY_PORT", FreePort()) };

        ListenPortCheck.Ensure(ports);

        foreach (var port in ports)
        {
            using var listener = new TcpListener(IPAddress.Loopback, port.Port);
            listener.Start();
        }
    }

    [Fact]
    public void Ensure_PortWithAListener_NamesTheSettingAndThePort()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port;

        var refusal = Assert.Throws<StartupRefusedException>(() => ListenPortCheck.Ensure([Loopback("NSM_GATEWAY_PORT", FreePort()), Loopback("NSM_SILO_PORT", port)]));

        Assert.StartsWith($"NSM_SILO_PORT={port}: port {port} is already in use on 127.0.0.1:{port}", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ensure_EveryAddress_IsRefusedWhenTheLoopbackPortHasAListener()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port;
        var settings = new ForwarderSettings { ListenOnTcp = new HostPort("nsm.example", port), DashboardListenOn = null };

        var refusal = Assert.Throws<StartupRefusedException>(() => ListenPortCheck.Ensure(ListenPort.From(settings with { SiloPort = FreePort(), GatewayPort = FreePort() })));

        Assert.StartsWith($"NSM_LISTEN_ON_TCP=nsm.example:{port}: port {port} is already in use", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ensure_TwoSettingsOnOnePort_NamesBoth()
    {
        var port = FreePort();

        var refusal = Assert.Throws<StartupRefusedException>(() =>
            ListenPortCheck.Ensure([Loopback("NSM_DASHBOARD_LISTEN_ON", port), Loopback("NSM_PPROF_LISTEN_ON", port)]));

        Assert.Contains($"NSM_PPROF_LISTEN_ON={port}: port {port} is also the port of NSM_DASHBOARD_LISTEN_ON={port}", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ensure_AddressNotOfThisHost_SaysSo()
    {
        var refusal = Assert.Throws<StartupRefusedException>(() =>
            ListenPortCheck.Ensure([new ListenPort("NSM_LISTEN_ON_TCP=192.0.2.1:50051", 50051, [IPAddress.Parse("192.0.2.1")], [])]));

        Assert.Equal("NSM_LISTEN_ON_TCP=192.0.2.1:50051: 192.0.2.1 is not an address of this host", refusal.Message);
    }

    [Fact]
    public void Translate_AddressInUseDuringStart_NamesThePortThatIsBusy()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port;
        var failure = new InvalidOperationException("silo start failed", new SocketException((int)SocketError.AddressAlreadyInUse));

        var refusal = ListenPortCheck.Translate(failure, [Loopback("NSM_GATEWAY_PORT", FreePort()), Loopback("NSM_SILO_PORT", port)]);

        Assert.StartsWith($"NSM_SILO_PORT={port}: port {port} is already in use", refusal?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Translate_OtherFailure_IsNotAPortProblem() =>
        Assert.Null(ListenPortCheck.Translate(new InvalidOperationException("something else"), [Loopback("NSM_SILO_PORT", FreePort())]));

    private static ListenPort Loopback(string variable, int port) => new($"{variable}={port}", port, [IPAddress.Loopback], []);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
