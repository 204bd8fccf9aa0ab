using System.Runtime.InteropServices;
using System.Text;

namespace SriovForwarder.TestSupport.Cgroups;

/// <summary>Creates named pipes, which .NET has no API for.</summary>
public static class Fifo
{
    public static void Create(string path)
    {
        if (MkFifo(Encoding.UTF8.GetBytes(path + "\0"), 0b110_110_110) != 0)
        {
            throw new IOException($"mkfifo {path} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MkFifo(byte[] nulTerminatedPath, uint mode);
}
