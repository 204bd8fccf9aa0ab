namespace SriovForwarder.Kernel.Cgroups;

/// <summary>Finds the cgroup2 mount below a configured root: the root itself on unified nodes, <c>&lt;root&gt;/unified</c> on hybrid (systemd) ones.</summary>
internal static class Cgroup2Roots
{
    internal const string ControllersFile = "cgroup.controllers";

    /// <summary>The configured root when it is a cgroup2 hierarchy or has none below; <c>&lt;root&gt;/unified</c> when only that one is.</summary>
    internal static string Resolve(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var unified = Path.Combine(root, "unified");
        return !IsCgroup2(root) && IsCgroup2(unified) ? unified : root;
    }

    /// <summary>Whether the folder is the root (or a folder) of a cgroup2 hierarchy.</summary>
    internal static bool IsCgroup2(string folder) => File.Exists(Path.Combine(folder, ControllersFile));
}
