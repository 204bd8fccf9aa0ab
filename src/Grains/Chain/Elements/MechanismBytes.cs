using Google.Protobuf;
using SriovForwarder.Api.Nsm.Connection;

namespace SriovForwarder.Grains.Chain.Elements;

/// <summary>Protobuf bytes of a mechanism for the persisted connection state.</summary>
internal static class MechanismBytes
{
    public static byte[] ToByteArrayOrEmpty(this Mechanism mechanism) => mechanism.ToByteArray();
}
