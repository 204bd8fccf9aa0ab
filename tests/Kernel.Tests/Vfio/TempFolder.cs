namespace SriovForwarder.Kernel.Tests.Vfio;

/// <summary>A fresh temporary folder that is deleted with everything in it when disposed.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Path = Directory.CreateTempSubdirectory("sriov-vfio-").FullName;

    public string Path { get; }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
