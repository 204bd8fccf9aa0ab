namespace SriovForwarder.Grains.Configuration;

/// <summary>The SR-IOV config file cannot be used; <see cref="Problems"/> lists every problem found, each naming file, line and PF.</summary>
public sealed class SriovConfigException : Exception
{
    /// <summary>Creates the exception from one or more problems.</summary>
    public SriovConfigException(string sourceName, IReadOnlyList<string> problems, Exception? innerException = null)
        : base(string.Join(Environment.NewLine, problems), innerException)
    {
        SourceName = sourceName;
        Problems = problems;
    }

    /// <summary>The file (or source name) that was read.</summary>
    public string SourceName { get; }

    /// <summary>One line per problem, e.g. <c>pci.config line 3: physical function 0000:01:00.0 has no vfKernelDriver set</c>.</summary>
    public IReadOnlyList<string> Problems { get; }
}
