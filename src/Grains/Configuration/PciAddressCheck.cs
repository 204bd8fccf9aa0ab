using System.Text.RegularExpressions;
using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Grains.Configuration;

/// <summary>Checks config addresses against the long sysfs form and suggests the fix (upstream bug #3: short forms slipped through).</summary>
internal static partial class PciAddressCheck
{
    /// <summary>Null when <paramref name="address"/> is a long lowercase PCI address, else what to write instead.</summary>
    public static string? Problem(string what, string address)
    {
        if (PciAddress.IsValid(address))
        {
            return null;
        }

        var lower = address.Trim().ToLowerInvariant();
        var suggestion = ShortForm().IsMatch(lower) ? "0000:" + lower : lower;
        var hint = PciAddress.IsValid(suggestion)
            ? $"use the long form {suggestion}"
            : "use the long form dddd:bb:dd.f in lowercase hex, such as 0000:01:00.0";
        return $"{what} \"{address}\" is not a long-form PCI address; {hint}";
    }

    [GeneratedRegex("^[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ShortForm();
}
