using System.Diagnostics;

namespace SriovForwarder.TestSupport.Bpf;

/// <summary>A bpffs instance of its own, mounted on a temporary folder for one test and unmounted (with its pins) on dispose.</summary>
public sealed class PrivateBpfFs : IDisposable
{
    public PrivateBpfFs()
    {
        Path = Directory.CreateTempSubdirectory("sriov-bpffs-").FullName;
        Run("mount", "-t", "bpf", "bpf", Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        Run("umount", Path);
        Directory.Delete(Path);
    }

    private static void Run(string command, params string[] arguments)
    {
        using var process = Process.Start(command, arguments);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} exited with {process.ExitCode}");
        }
    }
}
