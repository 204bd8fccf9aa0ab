namespace SriovForwarder.Security.Authorization;

/// <summary>One of upstream's built-in OPA policies, evaluated natively; <see cref="Name"/> is the rego file's name.</summary>
public interface IAuthorizationPolicy
{
    /// <summary>Upstream's name of the policy (e.g. <c>tokens_expired</c>), used in refusals and logs.</summary>
    string Name { get; }

    /// <summary>Whether the policy passes for <paramref name="input"/> at <paramref name="now"/>.</summary>
    bool Allows(PolicyInput input, DateTimeOffset now);
}
