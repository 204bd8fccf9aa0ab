namespace SriovForwarder.Grains.Interfaces;

/// <summary>The env variable through which kubelet's Allocate hands a container its token ids and the chain reads them back (upstream's name, kept as is).</summary>
public static class TokensEnvironmentVariable
{
    /// <summary>Prefix of the variable's name; the resource name follows.</summary>
    public const string Prefix = "NSM_SRIOV_TOKENS_";

    /// <summary>The variable holding the token ids of <paramref name="resourceName"/>.</summary>
    public static string For(string resourceName) => Prefix + resourceName;
}
