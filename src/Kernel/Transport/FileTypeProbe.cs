using System.Runtime.InteropServices;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Transport;

/// <summary>Reads a path's file type with <c>statx</c>, because .NET's file APIs cannot tell a unix socket from other special files.</summary>
internal static partial class FileTypeProbe
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // struct statx: stx_mask, stx_blksize, stx_attributes, stx_nlink, stx_uid, stx_gid, then stx_mode (u16).
    private const int TypeMask = 0xF000;
    private const int Socket = 0xC000;

    /// <summary>True when <paramref name="path"/> itself (not a symlink target) is a unix socket.</summary>
    public static bool IsSocket(string path) => (ReadMode(path) & TypeMask) == Socket;

    /// <summary>A short human name of the file type, for error messages.</summary>
    public static string Describe(string path) => (ReadMode(path) & TypeMask) switch
    {
        0x8000 => "a regular file",
        0x4000 => "a directory",
        0xA000 => "a symbolic link",
        0x2000 => "a character device",
        0x6000 => "a block device",
        0x1000 => "a FIFO",
        Socket => "a unix socket",
        _ => "an unknown kind of file",
    };

    private static int ReadMode(string path)
    {
        var buffer = new byte[256];
        if (LibC.Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"Cannot stat '{path}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
        }

        return BitConverter.ToUInt16(buffer, ModeOffset);
    }
}
