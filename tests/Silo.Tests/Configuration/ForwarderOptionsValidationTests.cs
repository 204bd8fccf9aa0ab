namespace SriovForwarder.Silo.Tests.Configuration;

public sealed class ForwarderOptionsValidationTests
{
    [Fact]
    public void Read_ValuesTheOptionsRefuse_ReportedWithTheSettingsProblems()
    {
        var result = Env.Read(("NSM_VFIO_PATH", "dev/vfio"), ("NSM_DIAL_TIMEOUT", "0s"), ("NSM_SILO_PORT", "x"));

        Assert.Equal(
            [
                "NSM_SILO_PORT=\"x\": not a port number; use an integer from 1 to 65535",
                "VfioPath (NSM_VFIO_PATH) must be an absolute path",
                "DialTimeout (NSM_DIAL_TIMEOUT) must be positive",
            ],
            result.Problems);
    }

    [Fact]
    public void Read_EmptyEnvironment_EveryOptionsClassAcceptsTheDefaults() => Env.ReadValid();
}
