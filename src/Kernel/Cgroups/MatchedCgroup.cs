namespace SriovForwarder.Kernel.Cgroups;

/// <summary>A devices cgroup found for a client pattern: its resolved directory and its path relative to the resolved root.</summary>
internal sealed record MatchedCgroup(string Directory, string RelativePath);
