namespace SriovForwarder.TestSupport.Bpf;

/// <summary>Where this machine mounts the cgroup2 hierarchy (<c>/sys/fs/cgroup</c> on unified nodes, <c>/sys/fs/cgroup/unified</c> on hybrid ones).</summary>
public static class Cgroup2
{
    public static string? Root { get; } = File.ReadLines("/proc/self/mounts")
        .Select(line => line.Split(' '))
        .Where(fields => fields.Length > 2 && fields[2] == "cgroup2")
        .Select(fields => fields[1])
        .FirstOrDefault();
}
