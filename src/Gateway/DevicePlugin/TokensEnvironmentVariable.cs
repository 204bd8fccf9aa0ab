namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>The env variable through which Allocate hands a container its token ids (upstream's name, kept as is).</summary>
public static class TokensEnvironmentVariable
{
    /// <summary>Prefix of the variable's name; the resource name follows.</summary>
    public const string Prefix = "NSM_SRIOV_TOKENS_";

    /// <summary>The variable holding the token ids of <paramref name="resourceName"/>.</summary>
    public static string For(string resourceName) => Prefix + resourceName;
}
