namespace SriovForwarder.Security.Spiffe.WorkloadApi;

/// <summary>No SVID came from the Workload API in time; the message names the socket and the last thing that went wrong.</summary>
public sealed class WorkloadApiUnavailableException : Exception
{
    public WorkloadApiUnavailableException()
    {
    }

    public WorkloadApiUnavailableException(string message)
        : base(message)
    {
    }

    public WorkloadApiUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
