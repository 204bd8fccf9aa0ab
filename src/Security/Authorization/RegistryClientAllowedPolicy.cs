namespace SriovForwarder.Security.Authorization;

/// <summary>
/// <c>registry_client_allowed</c>: the NSE name is not registered yet by us, or the first path id of its earlier
/// registration is the SPIFFE ID registering now (a refresh by the same identity).
/// </summary>
public sealed class RegistryClientAllowedPolicy : IAuthorizationPolicy
{
    /// <inheritdoc />
    public string Name => "registry_client_allowed";

    /// <inheritdoc />
    public bool Allows(PolicyInput input, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.ResourceName is not { } name || !input.ResourcePathIds.TryGetValue(name, out var pathIds))
        {
            return true;
        }

        return pathIds.Count > 0 && pathIds[0] == input.ResourceId;
    }
}
