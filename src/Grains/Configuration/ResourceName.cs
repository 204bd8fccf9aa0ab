using System.Text.RegularExpressions;

namespace SriovForwarder.Grains.Configuration;

/// <summary>Builds and checks the <c>serviceDomain/capability</c> resource names kubelet will see.</summary>
public static partial class ResourceName
{
    /// <summary>Joins like Go's <c>path.Join</c>: duplicate slashes collapse, <c>.</c> and <c>..</c> resolve, no trailing slash.</summary>
    public static string Join(string serviceDomain, string capability)
    {
        var joined = serviceDomain.Length == 0 ? capability : capability.Length == 0 ? serviceDomain : serviceDomain + "/" + capability;
        if (joined.Length == 0)
        {
            return string.Empty;
        }

        var rooted = joined.StartsWith('/');
        var parts = new List<string>();
        foreach (var part in joined.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == ".." && parts.Count > 0 && parts[^1] != "..")
            {
                parts.RemoveAt(parts.Count - 1);
            }
            else if (part != ".." || !rooted)
            {
                parts.Add(part);
            }
        }

        var cleaned = (rooted ? "/" : string.Empty) + string.Join('/', parts);
        return cleaned.Length == 0 ? "." : cleaned;
    }

    /// <summary>True when <paramref name="serviceDomain"/> is a DNS subdomain (RFC 1123), as kubelet requires of a resource's prefix.</summary>
    public static bool IsValidServiceDomain(string serviceDomain) =>
        serviceDomain.Length <= 253 && serviceDomain.Split('.').All(label => label.Length <= 63) && DnsSubdomain().IsMatch(serviceDomain);

    /// <summary>True when <paramref name="capability"/> is a valid name part: letters, digits, <c>-</c>, <c>_</c>, <c>.</c>, alphanumeric at both ends, at most 63 characters.</summary>
    public static bool IsValidCapability(string capability) => capability.Length <= 63 && NamePart().IsMatch(capability);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePart();
}
