namespace SriovForwarder.Kernel.Cgroups;

/// <summary>Checks a client's cgroupDir pattern and globs it into the cgroups it names, all confined below the root.</summary>
/// <param name="root">The hierarchy root.</param>
/// <param name="markerFile">The file every cgroup of the hierarchy has: <c>devices.list</c> (v1 devices), <c>cgroup.procs</c> (v2).</param>
internal sealed class CgroupMatcher(string root, string markerFile = CgroupMatcher.ListFile)
{
    internal const string ParameterName = "cgroupDir";
    internal const string ListFile = "devices.list";
    internal const string ProcsFile = "cgroup.procs";

    private static readonly EnumerationOptions EveryEntry = new()
    {
        AttributesToSkip = 0,
        IgnoreInaccessible = true,
        RecurseSubdirectories = false,
    };

    // The root's resolved path, read on first use and kept (a hierarchy's mount point does not move under a running
    // process); one realpath(3) per matched cgroup instead of two.
    private string? _realRoot;

    internal string Root { get; } = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));

    /// <summary>Every cgroup directory matching <c>&lt;root&gt;/&lt;pattern&gt;/&lt;marker file&gt;</c>, in ordinal order.</summary>
    /// <exception cref="ArgumentException">The pattern is empty, absolute, has <c>..</c>, or matches a cgroup outside the root.</exception>
    internal IReadOnlyList<MatchedCgroup> Match(string pattern)
    {
        var segments = Validate(pattern, ParameterName, "pattern");
        IEnumerable<string> current = [Root];
        foreach (var segment in segments)
        {
            current = HasWildcard(segment)
                ? current.SelectMany(dir => Expand(dir, segment)).ToList()
                : current.Select(dir => Path.Combine(dir, segment)).Where(Directory.Exists).ToList();
        }

        var matches = current.Where(dir => File.Exists(Path.Combine(dir, markerFile))).Order(StringComparer.Ordinal);
        return [.. matches.Select(dir => Confine(dir, pattern, ParameterName)).DistinctBy(match => match.Directory)];
    }

    /// <summary>The cgroup at an explicit relative path (from a persisted grant), or null when it no longer exists.</summary>
    internal MatchedCgroup? Find(string relativePath)
    {
        Validate(relativePath, nameof(DeviceGrant.CgroupPath), "path");
        var dir = Path.Combine(Root, relativePath);
        return File.Exists(Path.Combine(dir, markerFile)) ? Confine(dir, relativePath, nameof(DeviceGrant.CgroupPath)) : null;
    }

    private static string[] Validate(string? pattern, string name, string what)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            throw new ArgumentException($"{name} is empty: expected the client's devices cgroup {what}", name);
        }

        if (pattern.StartsWith('/'))
        {
            throw new ArgumentException(
                $"{name} \"{pattern}\" is invalid: it must be relative to the devices cgroup root", name);
        }

        if (pattern.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"{name} \"{pattern}\" is invalid: it contains a NUL character", name);
        }

        var segments = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
        if (segments.Contains(".."))
        {
            throw new ArgumentException($"{name} \"{pattern}\" is invalid: it must not contain \"..\" segments", name);
        }

        if (segments.Length == 0)
        {
            throw new ArgumentException(
                $"{name} \"{pattern}\" is invalid: it names the devices cgroup root itself, not a client cgroup", name);
        }

        return segments;
    }

    private MatchedCgroup Confine(string dir, string pattern, string name)
    {
        // A symlink anywhere on the way could lead out of the hierarchy, so compare fully resolved paths.
        var realRoot = _realRoot ??= NativePaths.RealPath(Root);
        realRoot ??= Root;
        var real = NativePaths.RealPath(dir) ?? throw new DeviceCgroupException($"cannot resolve cgroup {dir}");
        if (!real.StartsWith(realRoot + "/", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"{name} \"{pattern}\" is invalid: it matches {dir}, which resolves to {real}, outside the devices cgroup root {Root}",
                name);
        }

        return new MatchedCgroup(real, real[(realRoot.Length + 1)..]);
    }

    private static IEnumerable<string> Expand(string dir, string segment) =>
        Directory.EnumerateFileSystemEntries(dir, "*", EveryEntry)
            .Where(entry => WildcardMatches(segment, Path.GetFileName(entry)) && Directory.Exists(entry));

    private static bool HasWildcard(string segment) => segment.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>Shell-style match of one path segment: <c>*</c> any run of characters, <c>?</c> one character.</summary>
    internal static bool WildcardMatches(string pattern, string name)
    {
        int p = 0, n = 0, starP = -1, starN = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == name[n]))
            {
                p++;
                n++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starN = n;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                n = ++starN;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
