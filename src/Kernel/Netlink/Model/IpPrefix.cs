using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SriovForwarder.Kernel.Netlink.Model;

/// <summary>An IP address with a prefix length, as used for interface addresses (host bits kept) and route destinations.</summary>
public readonly record struct IpPrefix
{
    /// <summary>Creates a prefix; the length must fit the address family.</summary>
    public IpPrefix(IPAddress address, int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(address);
        var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefixLength < 0 || prefixLength > max)
        {
            throw new ArgumentOutOfRangeException(nameof(prefixLength), prefixLength, $"prefix length of {address} must be 0..{max}");
        }

        Address = address;
        PrefixLength = prefixLength;
    }

    /// <summary>The address (for an interface address, the host's own address).</summary>
    public IPAddress Address { get; }

    /// <summary>The prefix length in bits.</summary>
    public int PrefixLength { get; }

    /// <summary>IPv4 or IPv6.</summary>
    public AddressFamily Family => Address.AddressFamily;

    /// <summary>The prefix with host bits cleared, e.g. 10.0.0.0/24 for 10.0.0.5/24.</summary>
    public IpPrefix Network
    {
        get
        {
            var bytes = Address.GetAddressBytes();
            for (var i = 0; i < bytes.Length; i++)
            {
                var keep = Math.Clamp(PrefixLength - (i * 8), 0, 8);
                bytes[i] &= (byte)(0xff << (8 - keep));
            }

            return new IpPrefix(new IPAddress(bytes), PrefixLength);
        }
    }

    /// <summary>Parses <c>address/length</c>; a bare address gets the full length (/32 or /128).</summary>
    public static IpPrefix Parse(string text) => TryParse(text, out var prefix)
        ? prefix
        : throw new FormatException($"'{text}' is not an IP address or prefix (expected e.g. 10.0.0.1/24 or fd00::1/64)");

    /// <summary>Tries to parse <c>address/length</c> or a bare address.</summary>
    public static bool TryParse(string? text, out IpPrefix prefix)
    {
        prefix = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address) || (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0))
        {
            return false;
        }

        // IPAddress also takes inet_aton shorthand ("10.0.0", "10"), which Go's ParseCIDR and users do not mean.
        if (address.AddressFamily == AddressFamily.InterNetwork && addressText.Count(c => c == '.') != 3)
        {
            return false;
        }

        var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var length = max;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > max))
        {
            return false;
        }

        prefix = new IpPrefix(address, length);
        return true;
    }

    /// <summary>Whether <paramref name="address"/> lies inside this prefix's network.</summary>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily == Family && new IpPrefix(address, PrefixLength).Network == Network;
    }

    /// <summary>Equal when address and length are equal.</summary>
    public bool Equals(IpPrefix other) => PrefixLength == other.PrefixLength && Equals(Address, other.Address);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Address, PrefixLength);

    /// <inheritdoc />
    public override string ToString() => $"{Address}/{PrefixLength}";
}
