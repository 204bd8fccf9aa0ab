using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Kernel.Tests.Vfio;

public sealed class DeviceNumberTests
{
    [Theory]
    [InlineData(10u, 196u, "10:196")]
    [InlineData(241u, 3u, "241:3")]
    [InlineData(0u, 0u, "0:0")]
    public void ToString_AnyNumber_IsMajorColonMinor(uint major, uint minor, string expected) =>
        Assert.Equal(expected, new DeviceNumber(major, minor).ToString());

    [Fact]
    public void Parse_FormattedNumber_RoundTrips()
    {
        var number = new DeviceNumber(4100, 70000);

        Assert.Equal(number, DeviceNumber.Parse(number.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("10:")]
    [InlineData(":196")]
    [InlineData("10:x")]
    [InlineData("-1:2")]
    [InlineData("*:2")]
    public void Parse_Malformed_ThrowsNamingTheValue(string value)
    {
        var error = Assert.Throws<FormatException>(() => DeviceNumber.Parse(value));

        Assert.Contains($"\"{value}\"", error.Message, StringComparison.Ordinal);
    }
}
