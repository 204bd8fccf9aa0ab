using Grpc.Core;
using SriovForwarder.Security.Tokens;

namespace SriovForwarder.Security.Tests.Tokens;

public sealed class TokenMetadataTests
{
    [Theory]
    [InlineData(0, "2026-12-06T20:31:05Z")]
    [InlineData(1_000_000, "2026-12-06T20:31:05.1Z")]
    [InlineData(1_234_567, "2026-12-06T20:31:05.1234567Z")]
    [InlineData(1_230_000, "2026-12-06T20:31:05.123Z")]
    public void FormatExpires_IsGoRfc3339NanoInUtc(long ticks, string expected)
    {
        var expires = new DateTimeOffset(2026, 12, 6, 21, 31, 5, TimeSpan.FromHours(1)).AddTicks(ticks);

        Assert.Equal(expected, TokenMetadata.FormatExpires(expires));
    }

    [Theory]
    [InlineData("2026-12-06T20:31:05.123456789Z", 1_234_567)]
    [InlineData("2026-12-06T21:31:05.5+01:00", 5_000_000)]
    [InlineData("2026-12-06T20:31:05Z", 0)]
    public void TryParseExpires_ReadsGoTimesUpToNanoseconds(string text, long ticks)
    {
        Assert.True(TokenMetadata.TryParseExpires(text, out var expires));

        Assert.Equal(new DateTimeOffset(2026, 12, 6, 20, 31, 5, TimeSpan.Zero).AddTicks(ticks), expires);
    }

    [Fact]
    public void TryRead_NeedsExactlyOneTokenAndOneParseableExpiry()
    {
        var good = new Metadata { { "nsm-client-token", "a.b.c" }, { "nsm-client-token-expires", "2026-12-06T20:31:05Z" } };
        var twoTokens = new Metadata { { "nsm-client-token", "a.b.c" }, { "nsm-client-token", "d.e.f" }, { "nsm-client-token-expires", "2026-12-06T20:31:05Z" } };
        var badExpiry = new Metadata { { "nsm-client-token", "a.b.c" }, { "nsm-client-token-expires", "tomorrow" } };
        var noExpiry = new Metadata { { "nsm-client-token", "a.b.c" } };

        Assert.True(TokenMetadata.TryRead(good, out var token, out _));
        Assert.Equal("a.b.c", token);
        Assert.False(TokenMetadata.TryRead(twoTokens, out _, out _));
        Assert.False(TokenMetadata.TryRead(badExpiry, out _, out _));
        Assert.False(TokenMetadata.TryRead(noExpiry, out _, out _));
    }

    [Fact]
    public void Headers_CarryTheTokenAndItsExpiry()
    {
        var headers = TokenMetadata.Headers(new NsmToken("x.y.z", new DateTimeOffset(2026, 12, 6, 20, 31, 5, TimeSpan.Zero)));

        Assert.Equal("x.y.z", headers.GetValue("nsm-client-token"));
        Assert.Equal("2026-12-06T20:31:05Z", headers.GetValue("nsm-client-token-expires"));
    }
}
