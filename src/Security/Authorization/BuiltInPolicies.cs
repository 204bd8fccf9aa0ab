namespace SriovForwarder.Security.Authorization;

/// <summary>
/// Upstream's embedded policies (sdk <c>pkg/tools/opa/policies</c>), evaluated natively, under the paths the
/// <c>etc/nsm/opa</c> masks of <c>NSM_REGISTRY_CLIENT_POLICIES</c> match them by.
/// </summary>
public static class BuiltInPolicies
{
    /// <summary>The prefix that upstream maps to its embedded policy folder.</summary>
    public const string Prefix = "etc/nsm/opa/";

    /// <summary>Every built-in policy by its embedded path, in upstream's folder order (common, server, client, registry).</summary>
    public static IReadOnlyList<KeyValuePair<string, IAuthorizationPolicy>> ByPath { get; } =
    [
        new(Prefix + "common/tokens_valid.rego", new TokensValidPolicy()),
        new(Prefix + "common/tokens_expired.rego", new TokensExpiredPolicy()),
        new(Prefix + "common/tokens_chained.rego", new TokensChainedPolicy()),
        new(Prefix + "server/prev_token_signed.rego", new PrevTokenSignedPolicy()),
        new(Prefix + "client/next_token_signed.rego", new NextTokenSignedPolicy()),
        new(Prefix + "registry/registry_client_allowed.rego", new RegistryClientAllowedPolicy()),
    ];

    /// <summary>
    /// The forwarder's NetworkService server policies (§11.3; fixed upstream, not configurable): the common ones, then
    /// <c>prev_token_signed</c>.
    /// </summary>
    public static PolicySet Server { get; } = new([.. ByPath.Where(p => p.Key.Contains("/common/", StringComparison.Ordinal) || p.Key.Contains("/server/", StringComparison.Ordinal)).Select(p => p.Value)]);
}
