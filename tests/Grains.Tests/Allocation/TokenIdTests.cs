using SriovForwarder.Grains.Allocation;

namespace SriovForwarder.Grains.Tests.Allocation;

public sealed class TokenIdTests
{
    [Fact]
    public void New_Always_IsPrefixedLowercaseUuidV4()
    {
        var id = TokenId.New();

        Assert.Equal(42, id.Length);
        Assert.StartsWith("sriov-", id, StringComparison.Ordinal);
        var uuid = Guid.Parse(id["sriov-".Length..]);
        Assert.Equal(id["sriov-".Length..], uuid.ToString("D"));
        Assert.Equal('4', id["sriov-".Length + 14]);
        Assert.NotEqual(id, TokenId.New());
    }

    [Theory]
    [InlineData("sriov-0b7c3c9e-5f3b-4c61-9a0e-1d2f3a4b5c6d", true)]
    [InlineData("sriov-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", true)]
    [InlineData("sriov-0b7c3c9e-5f3b-4c61-9a0e-1d2f3a4b5c6", false)]
    [InlineData("srjov-0b7c3c9e-5f3b-4c61-9a0e-1d2f3a4b5c6d", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsTokenId_PrefixAndLength_AreAllThatIsChecked(string? value, bool expected) =>
        Assert.Equal(expected, TokenId.IsTokenId(value));

    [Fact]
    public void ToEnv_UpstreamExample_JoinsIdsWithCommas()
    {
        var (name, value) = TokenId.ToEnv("name", ["1", "2", "3"]);

        Assert.Equal("NSM_SRIOV_TOKENS_name", name);
        Assert.Equal("1,2,3", value);
    }

    [Fact]
    public void ToEnv_NameWithSlashAndDots_KeepsThem()
    {
        Assert.Equal("NSM_SRIOV_TOKENS_worker.domain/10G", TokenId.ToEnv("worker.domain/10G", ["a"]).Name);
    }

    [Fact]
    public void FromEnv_UpstreamExample_ReadsOnlyTokenVariables()
    {
        var tokens = TokenId.FromEnv(["A=aaa", "NSM_SRIOV_TOKENS_name-1=1,2,3", "B=bbb", "NSM_SRIOV_TOKENS_name-2=4"]);

        Assert.Equal(["name-1", "name-2"], tokens.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["1", "2", "3"], tokens["name-1"]);
        Assert.Equal(["4"], tokens["name-2"]);
    }

    [Fact]
    public void FromEnv_ToEnvOutput_RoundTrips()
    {
        var ids = new[] { TokenId.New(), TokenId.New() };
        var (name, value) = TokenId.ToEnv("sd/cap", ids);

        Assert.Equal(ids, TokenId.FromEnv([$"{name}={value}"])["sd/cap"]);
    }
}
