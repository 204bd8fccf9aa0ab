using System.ComponentModel;
using System.Runtime.InteropServices;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Simulation;

/// <summary>Named network namespaces as <c>ip netns</c> keeps them: bind mounts of nsfs files in <c>/run/netns</c>.</summary>
internal static class NamespaceFiles
{
    private const string Folder = "/run/netns";

    /// <summary>Gives the namespace <paramref name="from"/> the name <paramref name="to"/>: bind the same namespace at the new name, then detach the old one.</summary>
    public static void Rename(string from, string to)
    {
        var source = Path.Combine(Folder, from);
        var target = Path.Combine(Folder, to);
        using (File.Create(target))
        {
        }

        if (LibC.Mount(source, target, null, LibC.MsBind, 0) != 0)
        {
            var error = new Win32Exception(Marshal.GetLastPInvokeError());
            File.Delete(target);
            throw new InvalidOperationException($"cannot name namespace {from} as {to}: mount --bind {source} {target}: {error.Message}", error);
        }

        if (LibC.Umount2(source, LibC.MntDetach) != 0)
        {
            var error = new Win32Exception(Marshal.GetLastPInvokeError());
            throw new InvalidOperationException($"cannot release the old name of namespace {from}: umount {source}: {error.Message}", error);
        }

        File.Delete(source);
    }
}
