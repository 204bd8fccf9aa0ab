namespace SriovForwarder.TestSupport.Sockets;

/// <summary>A short-named temporary folder for test sockets (socket paths are limited to 107 bytes), removed on dispose.</summary>
public sealed class TempSocketFolder : IDisposable
{
    public TempSocketFolder()
    {
        Path = System.IO.Path.Combine("/tmp", "sf-tr-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Socket(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
