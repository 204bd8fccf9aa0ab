namespace SriovForwarder.Kernel.Bpf;

/// <summary>
/// The bpf(2) commands the device-program grants need. Every failure throws <see cref="BpfException"/> naming the
/// command, the objects involved (by their <see cref="BpfHandle.Name"/>) and the errno.
/// </summary>
public interface IBpf
{
    /// <summary>BPF_PROG_LOAD with the verifier log, which a failure's message carries.</summary>
    BpfHandle LoadProgram(uint programType, IReadOnlyList<BpfInstruction> program, string name, uint expectedAttachType, string license = "GPL");

    /// <summary>BPF_MAP_CREATE.</summary>
    BpfHandle CreateMap(uint mapType, int keySize, int valueSize, int maxEntries, string name);

    /// <summary>BPF_MAP_UPDATE_ELEM with the given flags (BPF_ANY by default).</summary>
    void UpdateElement(BpfHandle map, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags = BpfTypes.UpdateAny);

    /// <summary>BPF_MAP_DELETE_ELEM; false when the key was not there (ENOENT).</summary>
    bool DeleteElement(BpfHandle map, ReadOnlySpan<byte> key);

    /// <summary>BPF_MAP_LOOKUP_ELEM; false when the key is not there. A program array yields the program's id.</summary>
    bool LookupElement(BpfHandle map, ReadOnlySpan<byte> key, Span<byte> value);

    /// <summary>BPF_MAP_GET_NEXT_KEY: the key after <paramref name="key"/>, or the first key when <paramref name="key"/> is empty; false at the end.</summary>
    bool NextKey(BpfHandle map, ReadOnlySpan<byte> key, Span<byte> nextKey);

    /// <summary>Opens a cgroup folder as the target of attach, detach and query.</summary>
    BpfHandle OpenCgroup(string directory);

    /// <summary>BPF_PROG_ATTACH of <paramref name="program"/> to <paramref name="cgroup"/>.</summary>
    void Attach(BpfHandle cgroup, BpfHandle program, uint attachType, uint flags);

    /// <summary>BPF_PROG_DETACH of <paramref name="program"/> from <paramref name="cgroup"/>.</summary>
    void Detach(BpfHandle cgroup, BpfHandle program, uint attachType);

    /// <summary>BPF_PROG_QUERY: the programs attached to the cgroup itself at <paramref name="attachType"/>.</summary>
    BpfAttachedPrograms Query(BpfHandle cgroup, uint attachType);

    /// <summary>BPF_PROG_GET_FD_BY_ID.</summary>
    BpfHandle GetProgramById(uint id);

    /// <summary>BPF_MAP_GET_FD_BY_ID.</summary>
    BpfHandle GetMapById(uint id);

    /// <summary>BPF_OBJ_GET_INFO_BY_FD for a program.</summary>
    BpfProgramInfo GetProgramInfo(BpfHandle program);

    /// <summary>BPF_OBJ_PIN: keeps the object (and a program array's entries) alive in a bpffs after every fd is closed.</summary>
    void Pin(BpfHandle handle, string path);

    /// <summary>BPF_OBJ_GET: opens a pinned object, or null when nothing is pinned at <paramref name="path"/>.</summary>
    BpfHandle? GetPinned(string path, string name);
}
