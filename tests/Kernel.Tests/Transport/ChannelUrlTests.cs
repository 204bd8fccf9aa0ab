using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.Kernel.Tests.Transport;

/// <summary>Parsing of the socket paths and NSM URLs the channel factories accept, and their errors.</summary>
public sealed class ChannelUrlTests
{
    [Theory]
    [InlineData("unix:///var/lib/networkservicemesh/nsm.io.sock", "/var/lib/networkservicemesh/nsm.io.sock")]
    [InlineData("/var/lib/kubelet/device-plugins/kubelet.sock", "/var/lib/kubelet/device-plugins/kubelet.sock")]
    [InlineData("unix:///tmp/with%20space.sock", "/tmp/with space.sock")]
    public void ParseSocketPath_PathOrUnixUrl_ReturnsTheSocketPath(string input, string expected) =>
        Assert.Equal(expected, UnixSocketChannelFactory.ParseSocketPath(input));

    [Theory]
    [InlineData("unix://host/path.sock", "empty host")]
    [InlineData("tcp://127.0.0.1:5000", "not a unix socket")]
    [InlineData("", "empty")]
    public void ParseSocketPath_NotAUnixSocket_ThrowsNamingTheProblem(string input, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => UnixSocketChannelFactory.ParseSocketPath(input));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseSocketPath_PathLongerThanSunPath_ThrowsGivingTheLength()
    {
        var path = "/tmp/" + new string('a', 120) + ".sock";

        var error = Assert.Throws<ArgumentException>(() => UnixSocketChannelFactory.ParseSocketPath(path));

        Assert.Contains("130 bytes long", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_TcpUrl_TargetsHostAndPortOverPlaintext()
    {
        using var channel = GrpcUrlChannelFactory.Create("tcp://127.0.0.1:5002", TimeSpan.FromSeconds(1));

        Assert.Equal("127.0.0.1:5002", channel.Target);
    }

    [Theory]
    [InlineData("udp://127.0.0.1:5000", "scheme 'udp'")]
    [InlineData("tcp://127.0.0.1", "lacks a host or a port")]
    [InlineData("not a url", "is not a URL")]
    public void Create_UnsupportedUrl_ThrowsNamingTheUrl(string url, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => GrpcUrlChannelFactory.Create(url));

        Assert.Contains(url, error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_NonPositiveConnectTimeout_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => UnixSocketChannelFactory.Create("/tmp/x.sock", TimeSpan.Zero));
}
