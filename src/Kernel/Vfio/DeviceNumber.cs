using System.Globalization;

namespace SriovForwarder.Kernel.Vfio;

/// <summary>The major and minor number of a Linux device node, printed as <c>major:minor</c> like the kernel does.</summary>
public readonly record struct DeviceNumber(uint Major, uint Minor)
{
    /// <summary>Formats as <c>major:minor</c>, the form used in cgroup device rules and <c>/sys/dev</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}:{Minor}");

    /// <summary>Parses <c>major:minor</c> (decimal); throws <see cref="FormatException"/> naming the value otherwise.</summary>
    public static DeviceNumber Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0
            && uint.TryParse(value.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            && uint.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return new DeviceNumber(major, minor);
        }

        throw new FormatException($"invalid device number \"{value}\": expected <major>:<minor> in decimal");
    }
}
