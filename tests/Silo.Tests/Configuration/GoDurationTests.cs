using SriovForwarder.Silo.Configuration;

namespace SriovForwarder.Silo.Tests.Configuration;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("50ms", 50 * TimeSpan.TicksPerMillisecond)]
    [InlineData("1m30s", 90 * TimeSpan.TicksPerSecond)]
    [InlineData("24h", 24 * TimeSpan.TicksPerHour)]
    [InlineData("1.5h", 90 * TimeSpan.TicksPerMinute)]
    [InlineData(".5s", 500 * TimeSpan.TicksPerMillisecond)]
    [InlineData("5.s", 5 * TimeSpan.TicksPerSecond)]
    [InlineData("300us", 3000)]
    [InlineData("300\u00b5s", 3000)]
    [InlineData("300\u03bcs", 3000)]
    [InlineData("1500ns", 15)]
    [InlineData("1h2m3s4ms5us600ns", TimeSpan.TicksPerHour + (2 * TimeSpan.TicksPerMinute) + (3 * TimeSpan.TicksPerSecond) + (4 * TimeSpan.TicksPerMillisecond) + 56)]
    [InlineData("0", 0)]
    [InlineData("+0", 0)]
    [InlineData("0s", 0)]
    [InlineData("-1.5s", -15 * TimeSpan.TicksPerSecond / 10)]
    public void TryParse_GoSyntax_GivesTheDuration(string text, long expectedTicks)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromTicks(expectedTicks), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("50")]
    [InlineData("PT5S")]
    [InlineData("00:00:05")]
    [InlineData("5 sec")]
    [InlineData("5sec")]
    [InlineData("5S")]
    [InlineData("s")]
    [InlineData(".s")]
    [InlineData("-")]
    [InlineData("1m 30s")]
    [InlineData("3000000h")]
    public void TryParse_NotGoSyntax_Refuses(string text)
    {
        Assert.False(GoDuration.TryParse(text, out _));
    }

    [Theory]
    [InlineData("50ms", "50ms")]
    [InlineData("10m", "10m0s")]
    [InlineData("24h", "24h0m0s")]
    [InlineData("1m30s", "1m30s")]
    [InlineData("1.5s", "1.5s")]
    [InlineData("300us", "300µs")]
    [InlineData("0", "0s")]
    public void Format_Duration_MatchesGoString(string text, string expected)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(expected, GoDuration.Format(value));
    }
}
