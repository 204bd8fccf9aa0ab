using SriovForwarder.Silo.Configuration;

namespace SriovForwarder.Silo.Tests.Configuration;

/// <summary>Builds environments for the reader tests.</summary>
internal static class Env
{
    public static ForwarderSettingsReadResult Read(params (string Name, string? Value)[] variables) =>
        ForwarderSettingsReader.Read(variables.ToDictionary(v => v.Name, v => v.Value));

    public static ForwarderSettings ReadValid(params (string Name, string? Value)[] variables)
    {
        var result = Read(variables);
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Problems));
        return result.Settings;
    }
}
