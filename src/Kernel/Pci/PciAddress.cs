using System.Globalization;
using System.Text.RegularExpressions;

namespace SriovForwarder.Kernel.Pci;

/// <summary>A PCI function address in the long lowercase form <c>dddd:bb:dd.f</c> used as sysfs directory name.</summary>
public readonly partial record struct PciAddress : IComparable<PciAddress>
{
    private PciAddress(int domain, int bus, int device, int function)
    {
        Domain = domain;
        Bus = bus;
        Device = device;
        Function = function;
    }

    /// <summary>PCI domain (segment), 0..0xffff.</summary>
    public int Domain { get; }

    /// <summary>Bus number, 0..0xff.</summary>
    public int Bus { get; }

    /// <summary>Device number, 0..0x1f.</summary>
    public int Device { get; }

    /// <summary>Function number, 0..7.</summary>
    public int Function { get; }

    /// <summary>Builds an address from its parts, checking each range.</summary>
    public static PciAddress Create(int domain, int bus, int device, int function)
    {
        if (domain is < 0 or > 0xffff || bus is < 0 or > 0xff || device is < 0 or > 0x1f || function is < 0 or > 7)
        {
            throw new ArgumentOutOfRangeException(
                nameof(domain),
                $"PCI address parts out of range: domain {domain}, bus {bus}, device {device}, function {function}");
        }

        return new PciAddress(domain, bus, device, function);
    }

    /// <summary>Parses the long form; throws <see cref="FormatException"/> naming the value otherwise.</summary>
    public static PciAddress Parse(string? value)
    {
        if (TryParse(value, out var address))
        {
            return address;
        }

        throw new FormatException(
            $"invalid PCI address \"{value}\": expected the long lowercase form dddd:bb:dd.f (e.g. 0000:01:00.0)");
    }

    /// <summary>Parses the long lowercase form; the short form <c>bb:dd.f</c> and upper-case hex are rejected.</summary>
    public static bool TryParse(string? value, out PciAddress address)
    {
        address = default;
        if (value is null || !LongForm().IsMatch(value))
        {
            return false;
        }

        var device = int.Parse(value.AsSpan(8, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        if (device > 0x1f)
        {
            return false;
        }

        address = new PciAddress(
            int.Parse(value.AsSpan(0, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            int.Parse(value.AsSpan(5, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            device,
            value[11] - '0');
        return true;
    }

    /// <summary>True when the value is a valid long-form address.</summary>
    public static bool IsValid(string? value) => TryParse(value, out _);

    /// <inheritdoc/>
    public int CompareTo(PciAddress other) => (Domain, Bus, Device, Function).CompareTo((other.Domain, other.Bus, other.Device, other.Function));

    /// <summary>The long form, e.g. <c>0000:01:00.0</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Domain:x4}:{Bus:x2}:{Device:x2}.{Function}");

    public static bool operator <(PciAddress left, PciAddress right) => left.CompareTo(right) < 0;

    public static bool operator >(PciAddress left, PciAddress right) => left.CompareTo(right) > 0;

    public static bool operator <=(PciAddress left, PciAddress right) => left.CompareTo(right) <= 0;

    public static bool operator >=(PciAddress left, PciAddress right) => left.CompareTo(right) >= 0;

    [GeneratedRegex("^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]$", RegexOptions.CultureInvariant)]
    private static partial Regex LongForm();
}
