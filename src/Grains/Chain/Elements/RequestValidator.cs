using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Grains.Chain.Elements;

/// <summary>The checks of <see cref="ValidateElement"/>: each failure names the field and what is wrong.</summary>
public static class RequestValidator
{
    private const int MaxInterfaceName = 15;
    private const string TokenPrefix = "sriov-";

    /// <summary>
    /// Throws <see cref="ForwarderException"/> (InvalidArgument) for the first problem found; control characters in any
    /// field that reaches the OS are refused first, by <see cref="RequestStrings"/>.
    /// </summary>
    public static void Validate(NetworkServiceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var connection = request.Connection
            ?? throw ForwarderException.Invalid("request.connection is missing");
        RequestStrings.Check(request);
        if (string.IsNullOrEmpty(connection.NetworkService) && string.IsNullOrEmpty(connection.NetworkServiceEndpointName))
        {
            throw ForwarderException.Invalid("connection.network_service is empty and no network_service_endpoint_name is set: the forwarder cannot find a next hop");
        }

        if (connection.Mechanism is { Type.Length: > 0 } current)
        {
            ValidateMechanism(current, "connection.mechanism");
            return;
        }

        var known = 0;
        for (var i = 0; i < request.MechanismPreferences.Count; i++)
        {
            var preference = request.MechanismPreferences[i];
            if (IsKnown(preference.Type))
            {
                known++;
                ValidateMechanism(preference, $"mechanism_preferences[{i}]");
            }
        }

        if (known == 0)
        {
            var offered = string.Join(", ", request.MechanismPreferences.Select(p => $"\"{p.Type}\""));
            throw ForwarderException.Invalid(
                $"no supported mechanism in mechanism_preferences (offered: [{offered}]); this forwarder supports KERNEL, VFIO and NOOP");
        }
    }

    private static bool IsKnown(string type) =>
        type is MechanismTypes.Kernel or MechanismTypes.Vfio or MechanismTypes.Noop;

    private static void ValidateMechanism(Mechanism mechanism, string where)
    {
        if (!IsKnown(mechanism.Type))
        {
            throw ForwarderException.Invalid($"{where}.type \"{mechanism.Type}\" is not supported; this forwarder supports KERNEL, VFIO and NOOP");
        }

        if (mechanism.Type == MechanismTypes.Noop)
        {
            return;
        }

        ValidateToken(mechanism, where);
        if (mechanism.Type == MechanismTypes.Kernel)
        {
            ValidateKernel(mechanism, where);
        }
        else
        {
            CgroupDirs.Check(mechanism.Parameters.GetValueOrDefault(MechanismTypes.CgroupDirKey), $"{where}.parameters[cgroupDir]");
        }
    }

    private static void ValidateToken(Mechanism mechanism, string where)
    {
        var token = mechanism.Parameters.GetValueOrDefault(MechanismTypes.TokenIdKey);
        if (string.IsNullOrEmpty(token))
        {
            throw ForwarderException.Invalid(
                $"{where}.parameters[tokenID] is missing: a {mechanism.Type} request needs the SR-IOV token the pod got from the device plugin (NSM_SRIOV_TOKENS_*)");
        }

        if (!token.StartsWith(TokenPrefix, StringComparison.Ordinal)
            || token.Length != TokenPrefix.Length + 36
            || !Guid.TryParseExact(token[TokenPrefix.Length..], "D", out _))
        {
            throw ForwarderException.Invalid(
                $"{where}.parameters[tokenID] \"{token}\" is not an SR-IOV token id (expected \"sriov-\" followed by a UUID)");
        }
    }

    private static void ValidateKernel(Mechanism mechanism, string where)
    {
        if (mechanism.Parameters.TryGetValue(MechanismTypes.NameKey, out var name) && name.Length > 0)
        {
            if (name.Length > MaxInterfaceName || name is "." or ".." || name.Any(c => c is '/' or ':' || char.IsWhiteSpace(c)))
            {
                throw ForwarderException.Invalid(
                    $"{where}.parameters[name] \"{name}\" is not a valid Linux interface name (at most 15 characters, no '/', ':' or whitespace)");
            }
        }

        if (mechanism.Parameters.TryGetValue(MechanismTypes.InodeUrlKey, out var url) && url.Length > 0
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("file" or "inode")))
        {
            throw ForwarderException.Invalid(
                $"{where}.parameters[inodeURL] \"{url}\" is not a file:// or inode:// URL of the client's network namespace");
        }
    }
}
