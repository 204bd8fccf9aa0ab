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

    [Theory]
    [InlineData("50ms", "ReconcileInterval (NSM_HEALTH_RECONCILE_INTERVAL) is 50 ms; use 0 (off) or at least 100 ms")]
    [InlineData("-1s", "NSM_HEALTH_RECONCILE_INTERVAL=\"-1s\": must not be negative;")]
    public void Read_HealthReconcileIntervalTooShortOrNegative_ReportedNamingTheSetting(string value, string problem)
    {
        var result = Env.Read(("NSM_HEALTH_RECONCILE_INTERVAL", value));

        Assert.Contains(result.Problems, p => p.StartsWith(problem, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("100ms")]
    [InlineData("1m")]
    public void Read_HealthReconcileIntervalOffOrLongEnough_Accepted(string value) =>
        Assert.Empty(Env.Read(("NSM_HEALTH_RECONCILE_INTERVAL", value)).Problems);
}
