using System.Net;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Netlink.Model;

namespace SriovForwarder.Kernel.Tests.Netlink;

/// <summary>Interface names, prefixes and port ranges are checked before anything reaches the kernel.</summary>
public sealed class ValueParsingTests
{
    [Theory]
    [InlineData("eth0")]
    [InlineData("nsm-1")]
    [InlineData("a-name-of-15chr")]
    public void InterfaceNameValidate_ValidName_Passes(string name) => Assert.Null(InterfaceName.Problem(name));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a-name-of-16-chr", "at most 15")]
    [InlineData("eth 0", "' '")]
    [InlineData("eth/0", "'/'")]
    [InlineData("eth:0", "':'")]
    [InlineData("..", "'..'")]
    public void InterfaceNameValidate_BadName_ThrowsNamingNameAndReason(string name, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => InterfaceName.Validate(name));

        Assert.Contains($"'{name}'", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Theory]
    [InlineData("10.0.0.5/24", "10.0.0.5", 24, "10.0.0.0/24")]
    [InlineData("fd00::1:2/112", "fd00::1:2", 112, "fd00::1:0/112")]
    [InlineData("192.168.1.1", "192.168.1.1", 32, "192.168.1.1/32")]
    [InlineData("10.1.2.3/0", "10.1.2.3", 0, "0.0.0.0/0")]
    public void IpPrefixParse_ValidText_KeepsAddressAndMasksNetwork(string text, string address, int length, string network)
    {
        var prefix = IpPrefix.Parse(text);

        Assert.Equal(IPAddress.Parse(address), prefix.Address);
        Assert.Equal(length, prefix.PrefixLength);
        Assert.Equal(network, prefix.Network.ToString());
    }

    [Theory]
    [InlineData("10.0.0.1/33")]
    [InlineData("10.0.0/24")]
    [InlineData("fd00::1/129")]
    [InlineData("host/24")]
    [InlineData("10.0.0.1/-1")]
    public void IpPrefixParse_BadText_ThrowsNamingIt(string text)
    {
        var error = Assert.Throws<FormatException>(() => IpPrefix.Parse(text));

        Assert.Contains(text, error.Message);
    }

    [Theory]
    [InlineData("80", 80, 80)]
    [InlineData("8000-8080", 8000, 8080)]
    public void PortRangeParse_ValidText_GivesBounds(string text, int start, int end) =>
        Assert.Equal(new PortRange((ushort)start, (ushort)end), PortRange.Parse(text));

    [Theory]
    [InlineData("90-80")]
    [InlineData("70000")]
    [InlineData("a-b")]
    [InlineData("1-2-3")]
    public void PortRangeParse_BadText_ThrowsNamingIt(string text)
    {
        var error = Assert.Throws<FormatException>(() => PortRange.Parse(text));

        Assert.Contains("failed to parse port range", error.Message);
        Assert.Contains(text, error.Message);
    }

    [Fact]
    public void IpPrefixContains_AddressInsideAndOutside_Distinguishes()
    {
        var prefix = IpPrefix.Parse("10.0.0.1/24");

        Assert.True(prefix.Contains(IPAddress.Parse("10.0.0.200")));
        Assert.False(prefix.Contains(IPAddress.Parse("10.0.1.1")));
        Assert.False(prefix.Contains(IPAddress.Parse("fd00::1")));
    }
}
