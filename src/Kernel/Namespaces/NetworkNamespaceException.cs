namespace SriovForwarder.Kernel.Namespaces;

/// <summary>A network namespace URL or path could not be opened as a network namespace.</summary>
public sealed class NetworkNamespaceException(string url, string reason, Exception? inner = null)
    : Exception($"cannot open network namespace '{url}': {reason}", inner)
{
    /// <summary>The URL or path as given by the caller.</summary>
    public string Url { get; } = url;

    /// <summary>Why it was rejected.</summary>
    public string Reason { get; } = reason;
}
