using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Kernel.Tests.Pci;

public sealed class PciAddressTests
{
    [Fact]
    public void Parse_LongForm_ExposesPartsAndRoundTrips()
    {
        var address = PciAddress.Parse("0001:3b:1f.7");

        Assert.Equal((1, 0x3b, 0x1f, 7), (address.Domain, address.Bus, address.Device, address.Function));
        Assert.Equal("0001:3b:1f.7", address.ToString());
    }

    [Theory]
    [InlineData("01:00.0")]
    [InlineData("0000:01:00.8")]
    [InlineData("0000:3B:00.0")]
    [InlineData("0000:01:20.0")]
    [InlineData("0000:01:00")]
    [InlineData(" 0000:01:00.0")]
    [InlineData("")]
    public void Parse_NotLongLowercaseForm_ThrowsNamingTheValue(string value)
    {
        var error = Assert.Throws<FormatException>(() => PciAddress.Parse(value));

        Assert.Contains($"invalid PCI address \"{value}\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("dddd:bb:dd.f", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CompareTo_OrdersByBusThenDeviceThenFunction()
    {
        var sorted = new[] { "0000:02:00.0", "0000:01:01.0", "0000:01:00.7" }.Select(PciAddress.Parse).Order().Select(a => a.ToString());

        Assert.Equal(["0000:01:00.7", "0000:01:01.0", "0000:02:00.0"], sorted);
    }
}
