using System.Runtime.InteropServices;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Cgroups;

/// <summary>libc <c>realpath</c>: .NET resolves only the last link of a path, but confinement needs every component resolved.</summary>
internal static partial class NativePaths
{
    /// <summary>The canonical absolute path with every symlink resolved, or null when it cannot be resolved (missing, no access).</summary>
    internal static unsafe string? RealPath(string path)
    {
        var resolved = LibC.RealPath(path, 0);
        if (resolved == 0)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            NativeMemory.Free((void*)resolved);
        }
    }
}
