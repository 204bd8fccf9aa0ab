namespace SriovForwarder.Kernel.Bpf;

/// <summary>What <c>BPF_OBJ_GET_INFO_BY_FD</c> tells about a loaded program.</summary>
/// <param name="Id">The kernel-wide program id.</param>
/// <param name="Type">The program type, e.g. <see cref="BpfTypes.ProgramCgroupDevice"/>.</param>
/// <param name="Name">The name given at load (at most 15 characters).</param>
/// <param name="MapIds">The ids of the maps the program uses.</param>
public sealed record BpfProgramInfo(uint Id, uint Type, string Name, IReadOnlyList<uint> MapIds);
