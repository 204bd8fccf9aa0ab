using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Grains.Allocation;

/// <summary>Token ids and their environment-variable format, as upstream's <c>tokens</c> package defines them.</summary>
public static class TokenId
{
    /// <summary>The prefix of every token id.</summary>
    public const string Prefix = "sriov-";

    /// <summary>The length of a token id: the prefix and a canonical UUID.</summary>
    public const int Length = 42;

    /// <summary>A new token id: <c>sriov-</c> and a random lowercase UUID v4.</summary>
    public static string New() => Prefix + Guid.NewGuid().ToString("D");

    /// <summary>Upstream's test: the prefix and the length, nothing else.</summary>
    public static bool IsTokenId(string? value) =>
        value is not null && value.Length == Length && value.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The environment variable kubelet's Allocate gives a pod: name <c>NSM_SRIOV_TOKENS_&lt;name&gt;</c>, value the ids joined by commas.</summary>
    public static (string Name, string Value) ToEnv(string tokenName, IEnumerable<string> ids) =>
        (TokensEnvironmentVariable.For(tokenName), string.Join(',', ids));

    /// <summary>Parses <c>NAME=VALUE</c> entries; those named <c>NSM_SRIOV_TOKENS_&lt;name&gt;</c> give the ids of that name.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> FromEnv(IEnumerable<string> environment)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var entry in environment)
        {
            if (!entry.StartsWith(TokensEnvironmentVariable.Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                continue;
            }

            var name = entry[TokensEnvironmentVariable.Prefix.Length..equals];
            result[name] = entry[(equals + 1)..].Split(',');
        }

        return result;
    }
}
