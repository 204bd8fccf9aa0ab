using System.Security.Cryptography.X509Certificates;
using SriovForwarder.Api.Nsm.Registry;
using SriovForwarder.Security.Authorization;
using SriovForwarder.Security.Tokens;

namespace SriovForwarder.Gateway.Registry;

/// <summary>
/// Upstream's registry client authorize (§11.5) on our own registration: the configured policies on the Register
/// response, with the path the registry returned and its certificate; on success it remembers the path ids per name
/// (<c>resource_path_ids_map</c>), which a later registration under the same name must start with.
/// </summary>
public sealed class RegistrationAuthorization(PolicySet policies, TimeProvider time)
{
    private readonly Dictionary<string, IReadOnlyList<string>> _pathIds = new(StringComparer.Ordinal);

    /// <summary>
    /// The name of the first policy the response fails, or null when all pass (and the path ids are then remembered).
    /// <paramref name="pathJson"/> is the registry's <c>path</c> response header (null when it sent none).
    /// </summary>
    public string? Check(NetworkServiceEndpoint returned, string? pathJson, X509Certificate2? registryCertificate)
    {
        ArgumentNullException.ThrowIfNull(returned);
        if (policies.Policies.Count == 0)
        {
            return null;
        }

        if (!RegistryPathMetadata.TryParse(pathJson, out var index, out var tokens))
        {
            // No path from the registry: the policies see no segments, so next_token_signed (when configured) fails.
            (index, tokens) = (0, []);
        }

        var resourceId = tokens.Count > 0 && JwtToken.TryParse(tokens[0], out var first) ? first.Subject : null;
        var input = new PolicyInput(tokens, index, registryCertificate)
        {
            ResourceId = resourceId,
            ResourceName = returned.Name,
            ResourcePathIds = _pathIds,
        };
        if (policies.FirstFailure(input, time.GetUtcNow()) is { } failed)
        {
            return failed.Name;
        }

        _pathIds[returned.Name] = [.. returned.PathIds];
        return null;
    }

    /// <summary>Forgets <paramref name="name"/>'s path ids (after Unregister).</summary>
    public void Forget(string name) => _pathIds.Remove(name);
}
