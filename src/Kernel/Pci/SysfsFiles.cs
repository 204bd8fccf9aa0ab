using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Pci;

/// <summary>Small sysfs reading and writing helpers with upstream's semantics and path-naming errors.</summary>
internal static class SysfsFiles
{
    /// <summary>Reads a file and trims whitespace; throws naming the path.</summary>
    public static string ReadTrimmed(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PciException($"unable to read {path}: {e.Message}", e);
        }
    }

    /// <summary>Reads a trimmed decimal integer; throws naming the path and the content.</summary>
    public static int ReadInt(string path)
    {
        var text = ReadTrimmed(path);
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw new PciException($"unable to convert the content of {path} to an integer: \"{text}\"");
        }

        return value;
    }

    /// <summary>The last path component of a symlink's target; throws when the path is not a symlink.</summary>
    /// <remarks>
    /// Only the link's own text is used: sysfs links are relative to the physical folder, and .NET resolves them
    /// lexically from the path given (which passes through other links), so a resolved path could be wrong.
    /// </remarks>
    public static string LinkBaseName(string path)
    {
        var info = new FileInfo(path);
        var target = info.LinkTarget;
        if (target is null)
        {
            throw new PciException(info.Exists || Directory.Exists(path)
                ? $"{path} is not a symbolic link"
                : $"{path} does not exist");
        }

        var name = Path.GetFileName(target.TrimEnd('/'));
        return name.Length > 0 ? name : throw new PciException($"cannot resolve the symbolic link {path} ({target})");
    }

    /// <summary>The bound driver of a device folder, or null when its <c>driver</c> link is absent.</summary>
    public static string? DriverOf(string deviceDirectory)
    {
        // One read of the link: it may vanish at any moment while a driver unbinds.
        var target = new FileInfo(Path.Combine(deviceDirectory, "driver")).LinkTarget;
        return target is null ? null : Path.GetFileName(target.TrimEnd('/'));
    }

    /// <summary>The <c>operstate</c> of a function's netdev (<c>net/&lt;name&gt;/operstate</c>), or null when absent (a netdev moving away, or a tree without it).</summary>
    public static string? OperStateOf(string deviceDirectory, string netInterface)
    {
        try
        {
            return File.ReadAllText(Path.Combine(deviceDirectory, "net", netInterface, "operstate")).Trim();
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The sorted entries of <c>net/</c>, empty when the folder is absent.</summary>
    public static IReadOnlyList<string> NetInterfacesOf(string deviceDirectory)
    {
        var net = Path.Combine(deviceDirectory, "net");
        try
        {
            var names = Directory.GetFileSystemEntries(net).Select(Path.GetFileName).OfType<string>().ToList();
            names.Sort(StringComparer.Ordinal);
            return names;
        }
        catch (DirectoryNotFoundException)
        {
            // Absent, or removed while reading because the netdev went away with its driver.
            return [];
        }
    }

    /// <summary>
    /// Writes an attribute the way sysfs expects it: open without create, one write, close. Truncation (as a
    /// shell's <c>echo &gt;</c> does) is a no-op on sysfs and FIFOs but keeps a regular-file stand-in exact;
    /// the open is non-blocking so that a simulated attribute with no reader fails at once instead of hanging.
    /// </summary>
    public static unsafe void Write(string path, string text)
    {
        var fd = LibC.Open(path, LibC.OWronly | LibC.OTrunc | LibC.ONonblock | LibC.OCloexec, 0);
        if (fd < 0)
        {
            throw new PciException($"cannot open {path} for writing: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        try
        {
            var bytes = Encoding.ASCII.GetBytes(text);
            fixed (byte* p = bytes)
            {
                if (LibC.Write(fd, p, bytes.Length) < 0)
                {
                    throw new PciException($"writing \"{text.TrimEnd()}\" to {path} failed: {Marshal.GetLastPInvokeErrorMessage()}");
                }
            }
        }
        finally
        {
            _ = LibC.Close(fd);
        }
    }
}
