using System.Runtime.InteropServices;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Netlink.Wire;

namespace SriovForwarder.Kernel.Health;

/// <summary>Reads an RTM_NEWLINK / RTM_DELLINK payload (ifinfomsg and its attributes) into a <see cref="LinkState"/>.</summary>
internal static class LinkMessage
{
    private const uint IffUp = 0x1;
    private const uint IffLowerUp = 0x10000;
    private const ushort IflaCarrier = 33;

    private static readonly string[] OperStates = ["unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up"];

    /// <summary>The link the message describes, or null when it is too short or names no interface.</summary>
    public static LinkState? Parse(ushort type, ReadOnlySpan<byte> payload)
    {
        var headerSize = Marshal.SizeOf<IfInfoMsg>();
        if (payload.Length < headerSize)
        {
            return null;
        }

        var info = MemoryMarshal.Read<IfInfoMsg>(payload);
        string? name = null;
        var operState = "unknown";
        bool? carrierAttribute = null;
        foreach (var attribute in new NetlinkAttributes(payload[headerSize..]))
        {
            switch (attribute.Type)
            {
                case NetlinkConstants.IflaIfname:
                    name = NetlinkAttributes.String(attribute.Value);
                    break;
                case NetlinkConstants.IflaOperstate when attribute.Value.Length >= 1:
                    operState = attribute.Value[0] < OperStates.Length ? OperStates[attribute.Value[0]] : attribute.Value[0].ToString(System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case IflaCarrier when attribute.Value.Length >= 1:
                    carrierAttribute = attribute.Value[0] != 0;
                    break;
                default:
                    break;
            }
        }

        if (name is null)
        {
            return null;
        }

        // IFF_LOWER_UP is what `ip link` prints; IFLA_CARRIER says the same and is kept for kernels that omit the flag.
        var carrier = (info.Flags & IffLowerUp) != 0 || (carrierAttribute ?? false);
        return new LinkState(info.Index, name, (info.Flags & IffUp) != 0, carrier, operState, type == NetlinkConstants.RtmDelLink);
    }
}
