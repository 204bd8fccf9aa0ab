namespace SriovForwarder.Kernel.Bpf;

/// <summary>The bpf(2) commands this layer issues, with the kernel's numbers.</summary>
public enum BpfCommand
{
    /// <summary>BPF_MAP_CREATE.</summary>
    MapCreate = 0,

    /// <summary>BPF_MAP_LOOKUP_ELEM.</summary>
    MapLookupElement = 1,

    /// <summary>BPF_MAP_UPDATE_ELEM.</summary>
    MapUpdateElement = 2,

    /// <summary>BPF_MAP_DELETE_ELEM.</summary>
    MapDeleteElement = 3,

    /// <summary>BPF_MAP_GET_NEXT_KEY.</summary>
    MapGetNextKey = 4,

    /// <summary>BPF_PROG_LOAD.</summary>
    ProgramLoad = 5,

    /// <summary>BPF_OBJ_PIN.</summary>
    ObjectPin = 6,

    /// <summary>BPF_OBJ_GET.</summary>
    ObjectGet = 7,

    /// <summary>BPF_PROG_ATTACH.</summary>
    ProgramAttach = 8,

    /// <summary>BPF_PROG_DETACH.</summary>
    ProgramDetach = 9,

    /// <summary>BPF_PROG_GET_FD_BY_ID.</summary>
    ProgramGetFdById = 13,

    /// <summary>BPF_MAP_GET_FD_BY_ID.</summary>
    MapGetFdById = 14,

    /// <summary>BPF_OBJ_GET_INFO_BY_FD.</summary>
    ObjectGetInfoByFd = 15,

    /// <summary>BPF_PROG_QUERY.</summary>
    ProgramQuery = 16,
}
