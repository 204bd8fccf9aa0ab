namespace SriovForwarder.Security.Authorization;

/// <summary>
/// Policies that must all pass, checked in order; the first failure stops evaluation and is named (upstream logs
/// <c>policy failed: &lt;name&gt;</c>).
/// </summary>
public sealed class PolicySet(IReadOnlyList<IAuthorizationPolicy> policies)
{
    /// <summary>The policies, in evaluation order.</summary>
    public IReadOnlyList<IAuthorizationPolicy> Policies { get; } = policies;

    /// <summary>The first policy that does not allow <paramref name="input"/>, or null when all do.</summary>
    public IAuthorizationPolicy? FirstFailure(PolicyInput input, DateTimeOffset now) => Policies.FirstOrDefault(p => !p.Allows(input, now));
}
