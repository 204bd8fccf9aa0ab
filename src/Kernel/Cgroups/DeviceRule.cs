using System.Globalization;
using System.Text;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Kernel.Cgroups;

/// <summary>One cgroup-v1 device rule as written to <c>devices.allow</c>/<c>devices.deny</c> and listed in <c>devices.list</c>.</summary>
/// <param name="Type">The device type.</param>
/// <param name="Major">The major number, or null for <c>*</c>.</param>
/// <param name="Minor">The minor number, or null for <c>*</c>.</param>
/// <param name="Access">A non-empty subset of read, write, mknod.</param>
public sealed record DeviceRule(DeviceType Type, uint? Major, uint? Minor, DeviceAccess Access)
{
    /// <summary>The rule that gives full access (<c>c M:m rwm</c>) to one character device, as the VFIO mechanism grants.</summary>
    public static DeviceRule CharacterDevice(DeviceNumber device) =>
        new(DeviceType.Character, device.Major, device.Minor, DeviceAccess.All);

    /// <summary>Parses a <c>devices.list</c> line: <c>&lt;a|b|c&gt; &lt;major|*&gt;:&lt;minor|*&gt; &lt;non-empty subset of rwm&gt;</c>.</summary>
    /// <exception cref="FormatException"><c>invalid device string: &lt;line&gt;</c>.</exception>
    public static DeviceRule Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return TryParse(line, out var rule) ? rule : throw new FormatException($"invalid device string: {line}");
    }

    /// <summary>Parses a <c>devices.list</c> line; false when it does not follow the grammar.</summary>
    public static bool TryParse(string? line, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DeviceRule? rule)
    {
        rule = null;
        var parts = line?.TrimEnd('\n').Split(' ');
        if (parts is not { Length: 3 } || parts[0].Length != 1 || !TryParseType(parts[0][0], out var type))
        {
            return false;
        }

        var numbers = parts[1].Split(':');
        if (numbers.Length != 2 || !TryParseNumber(numbers[0], out var major) || !TryParseNumber(numbers[1], out var minor)
            || !TryParseAccess(parts[2], out var access))
        {
            return false;
        }

        rule = new DeviceRule(type, major, minor, access);
        return true;
    }

    /// <summary>True when this rule gives at least the access of <paramref name="other"/> to at least its devices.</summary>
    public bool Covers(DeviceRule other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return MatchesDevicesOf(other) && (Access & other.Access) == other.Access;
    }

    /// <summary>True when this rule covers <paramref name="other"/> and is not the same rule (upstream's "is wider than").</summary>
    public bool IsWiderThan(DeviceRule other) => Covers(other) && this != other;

    /// <summary>True when every device <paramref name="other"/> names is also named by this rule, whatever the access.</summary>
    public bool MatchesDevicesOf(DeviceRule other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return (Type == DeviceType.All || Type == other.Type)
            && (Major is null || Major == other.Major)
            && (Minor is null || Minor == other.Minor);
    }

    /// <summary>Formats as the kernel lists it, e.g. <c>c 10:196 rwm</c> (access letters in r, w, m order).</summary>
    public override string ToString()
    {
        var text = new StringBuilder(16);
        text.Append((char)Type).Append(' ').Append(FormatNumber(Major)).Append(':').Append(FormatNumber(Minor)).Append(' ');
        if (Access.HasFlag(DeviceAccess.Read))
        {
            text.Append('r');
        }

        if (Access.HasFlag(DeviceAccess.Write))
        {
            text.Append('w');
        }

        if (Access.HasFlag(DeviceAccess.Mknod))
        {
            text.Append('m');
        }

        return text.ToString();
    }

    private static string FormatNumber(uint? number) =>
        number?.ToString(CultureInfo.InvariantCulture) ?? "*";

    private static bool TryParseType(char letter, out DeviceType type)
    {
        type = (DeviceType)letter;
        return letter is 'a' or 'b' or 'c';
    }

    private static bool TryParseNumber(string text, out uint? number)
    {
        number = null;
        if (text == "*")
        {
            return true;
        }

        if (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            number = value;
            return true;
        }

        return false;
    }

    private static bool TryParseAccess(string letters, out DeviceAccess access)
    {
        access = DeviceAccess.None;
        foreach (var letter in letters)
        {
            var flag = letter switch
            {
                'r' => DeviceAccess.Read,
                'w' => DeviceAccess.Write,
                'm' => DeviceAccess.Mknod,
                _ => DeviceAccess.None,
            };

            // An unknown or repeated letter makes the line invalid, as the kernel's parser does.
            if (flag == DeviceAccess.None || access.HasFlag(flag))
            {
                return false;
            }

            access |= flag;
        }

        return access != DeviceAccess.None;
    }
}
