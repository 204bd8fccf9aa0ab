namespace SriovForwarder.Grains.Storage;

/// <summary>A grain state file could not be read or written; the message names the file.</summary>
[GenerateSerializer, Alias("sriov.FileGrainStorageException")]
public sealed class FileGrainStorageException : Exception
{
    public FileGrainStorageException()
    {
    }

    public FileGrainStorageException(string message)
        : base(message)
    {
    }

    public FileGrainStorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
