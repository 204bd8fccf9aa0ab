namespace SriovForwarder.Kernel.Netlink;

/// <summary>What a request does, kept as parts so the text is only built when an error needs it.</summary>
internal readonly record struct NetlinkOperation(ushort Type, string Verb, string Subject, string? Detail = null)
{
    public override string ToString() => Detail is null
        ? $"{NetlinkConstants.TypeName(Type)} {Verb} {Subject}"
        : $"{NetlinkConstants.TypeName(Type)} {Verb} {Subject} {Detail}";
}
