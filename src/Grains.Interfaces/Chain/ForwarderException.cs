namespace SriovForwarder.Grains.Interfaces.Chain;

/// <summary>
/// An expected failure of the forwarder chain (bad input, no free VF, next hop down), carrying a code
/// the gateway turns into a gRPC status and a message that names what was wrong.
/// </summary>
[GenerateSerializer, Alias("sriov.ForwarderException")]
public sealed class ForwarderException : Exception
{
    public ForwarderException()
    {
    }

    public ForwarderException(string message)
        : base(message)
    {
    }

    public ForwarderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ForwarderException(ForwarderErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>What kind of failure this is.</summary>
    [Id(0)]
    public ForwarderErrorCode Code { get; init; }

    /// <summary>A bad-request failure naming the parameter.</summary>
    public static ForwarderException Invalid(string message) => new(ForwarderErrorCode.InvalidArgument, message);
}
