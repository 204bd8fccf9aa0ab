namespace SriovForwarder.Kernel.Bpf;

/// <summary>What <c>BPF_PROG_QUERY</c> reports for one attach point of a cgroup: the flags they were attached with and the program ids.</summary>
/// <param name="AttachFlags">The attach flags of the cgroup's programs (e.g. <see cref="BpfTypes.AttachAllowMulti"/>).</param>
/// <param name="ProgramIds">The ids of the programs attached to the cgroup itself, not its ancestors.</param>
public sealed record BpfAttachedPrograms(uint AttachFlags, IReadOnlyList<uint> ProgramIds);
