using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Kernel.Tests.Cgroups;

public sealed class DeviceRuleTests
{
    [Theory]
    [InlineData("a *:* rwm")]
    [InlineData("c 10:196 rwm")]
    [InlineData("b 8:0 r")]
    [InlineData("c 136:* rwm")]
    [InlineData("c *:* m")]
    [InlineData("c *:5 w")]
    [InlineData("c 4294967295:0 rw")]
    public void Parse_KernelListLine_FormatsBackUnchanged(string line) =>
        Assert.Equal(line, DeviceRule.Parse(line).ToString());

    [Fact]
    public void Parse_LineWithNewline_ReadsFields()
    {
        var rule = DeviceRule.Parse("b 8:* mr\n");

        Assert.Equal(new DeviceRule(DeviceType.Block, 8, null, DeviceAccess.Read | DeviceAccess.Mknod), rule);
        Assert.Equal("b 8:* rm", rule.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("x 1:2 rwm")]
    [InlineData("cc 1:2 rwm")]
    [InlineData("c 1-2 rwm")]
    [InlineData("c 1:2")]
    [InlineData("c 1:2 ")]
    [InlineData("c 1:2 rwx")]
    [InlineData("c 1:2 rr")]
    [InlineData("c -1:2 rwm")]
    [InlineData("c 1:2:3 rwm")]
    [InlineData("c 1:2 rwm extra")]
    [InlineData("c  1:2 rwm")]
    [InlineData("C 1:2 rwm")]
    public void Parse_Malformed_ThrowsInvalidDeviceString(string line)
    {
        var error = Assert.Throws<FormatException>(() => DeviceRule.Parse(line));

        Assert.Equal($"invalid device string: {line}", error.Message);
    }

    // Upstream's table, target c 1:2 rwm.
    [Theory]
    [InlineData("a *:2 rwm", true)]
    [InlineData("a 1:* rwm", true)]
    [InlineData("c *:2 rwm", true)]
    [InlineData("c 1:* rwm", true)]
    [InlineData("a 1:2 rwm", true)]
    [InlineData("c 1:2 rwm", false)]
    [InlineData("b *:* rwm", false)]
    [InlineData("a *:* rwm", true)]
    [InlineData("c 1:* rw", false)]
    [InlineData("c *:* m", false)]
    [InlineData("c 1:3 rwm", false)]
    public void IsWiderThan_UpstreamTable_MatchesUpstream(string line, bool wider) =>
        Assert.Equal(wider, DeviceRule.Parse(line).IsWiderThan(DeviceRule.Parse("c 1:2 rwm")));

    [Fact]
    public void IsWiderThan_NarrowerAccessTarget_WidensByAccessLetters() =>
        Assert.True(DeviceRule.Parse("c 1:2 rwm").IsWiderThan(DeviceRule.Parse("c 1:2 rw")));

    [Fact]
    public void CharacterDevice_VfioContainer_IsFullAccessCharacterRule() =>
        Assert.Equal("c 10:196 rwm", DeviceRule.CharacterDevice(new DeviceNumber(10, 196)).ToString());
}
