using Microsoft.Extensions.Logging;
using SriovForwarder.Silo.Configuration;

namespace SriovForwarder.Silo.Tests.Configuration;

public sealed class EnvSyntaxTests
{
    [Theory]
    [InlineData("1", true)]
    [InlineData("t", true)]
    [InlineData("T", true)]
    [InlineData("TRUE", true)]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("0", false)]
    [InlineData("f", false)]
    [InlineData("F", false)]
    [InlineData("FALSE", false)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    public void GoBoolTryParse_GoValues_Accepted(string text, bool expected)
    {
        Assert.True(GoBool.TryParse(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yes")]
    [InlineData("tRUE")]
    [InlineData(" true")]
    [InlineData("on")]
    public void GoBoolTryParse_OtherValues_Refused(string text)
    {
        Assert.False(GoBool.TryParse(text, out _));
    }

    [Fact]
    public void ParseList_SpacesAroundItems_AreKept()
    {
        Assert.Equal(["a", " b", "c "], EnvSyntax.ParseList("a, b,c "));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void ParseList_Blank_IsEmpty(string text)
    {
        Assert.Empty(EnvSyntax.ParseList(text));
    }

    [Fact]
    public void ParseMap_Pairs_GiveTheMapWithoutTrimming()
    {
        var map = EnvSyntax.ParseMap("p2p:true,a:b, c:d ", out var bad);

        Assert.Null(bad);
        Assert.Equal(new Dictionary<string, string> { ["p2p"] = "true", ["a"] = "b", [" c"] = "d " }, map);
    }

    [Theory]
    [InlineData("a:b:c", "a:b:c")]
    [InlineData("p2p:true,novalue", "novalue")]
    [InlineData("a:b,", "")]
    public void ParseMap_ItemWithoutExactlyOneColon_NamesTheItem(string text, string expectedBad)
    {
        Assert.Null(EnvSyntax.ParseMap(text, out var bad));
        Assert.Equal(expectedBad, bad);
    }

    [Theory]
    [InlineData("panic", LogLevel.Critical)]
    [InlineData("FATAL", LogLevel.Critical)]
    [InlineData("error", LogLevel.Error)]
    [InlineData("Warn", LogLevel.Warning)]
    [InlineData("warning", LogLevel.Warning)]
    [InlineData("INFO", LogLevel.Information)]
    [InlineData("debug", LogLevel.Debug)]
    [InlineData("TrAcE", LogLevel.Trace)]
    public void NsmLogLevelTryParse_UpstreamNames_MapToDotNetLevels(string text, LogLevel expected)
    {
        Assert.True(NsmLogLevel.TryParse(text, out var level));
        Assert.Equal(expected, level);
    }

    [Theory]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080)]
    [InlineData("localhost:6060", "localhost", 6060)]
    [InlineData(":8080", "", 8080)]
    [InlineData("[::1]:443", "::1", 443)]
    public void HostPortTryParse_Addresses_SplitHostAndPort(string text, string host, int port)
    {
        Assert.True(HostPort.TryParse(text, out var value));
        Assert.Equal(new HostPort(host, port), value);
        Assert.Equal(text, value!.ToString());
    }

    [Theory]
    [InlineData("8080")]
    [InlineData("localhost")]
    [InlineData("host:0")]
    [InlineData("host:65536")]
    [InlineData("::1:80")]
    [InlineData("host:+80")]
    public void HostPortTryParse_BadAddresses_Refused(string text)
    {
        Assert.False(HostPort.TryParse(text, out _));
    }
}
