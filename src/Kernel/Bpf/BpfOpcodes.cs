namespace SriovForwarder.Kernel.Bpf;

/// <summary>The opcode bits of <c>linux/bpf.h</c> and <c>linux/bpf_common.h</c> that the assembler uses.</summary>
public static class BpfOpcodes
{
    /// <summary>BPF_LD: the class of the 64-bit immediate load.</summary>
    public const byte ClassLoad = 0x00;

    /// <summary>BPF_LDX: load from memory into a register.</summary>
    public const byte ClassLoadX = 0x01;

    /// <summary>BPF_STX: store a register to memory.</summary>
    public const byte ClassStoreX = 0x03;

    /// <summary>BPF_JMP: 64-bit jumps, call and exit.</summary>
    public const byte ClassJump = 0x05;

    /// <summary>BPF_ALU64: 64-bit arithmetic.</summary>
    public const byte ClassAlu64 = 0x07;

    /// <summary>BPF_W: 32-bit memory access.</summary>
    public const byte SizeWord = 0x00;

    /// <summary>BPF_DW: 64-bit (the immediate load's size).</summary>
    public const byte SizeDoubleWord = 0x18;

    /// <summary>BPF_IMM mode.</summary>
    public const byte ModeImmediate = 0x00;

    /// <summary>BPF_MEM mode.</summary>
    public const byte ModeMemory = 0x60;

    /// <summary>BPF_K: the operand is the immediate.</summary>
    public const byte SourceImmediate = 0x00;

    /// <summary>BPF_X: the operand is the source register.</summary>
    public const byte SourceRegister = 0x08;

    /// <summary>BPF_ADD.</summary>
    public const byte Add = 0x00;

    /// <summary>BPF_AND.</summary>
    public const byte And = 0x50;

    /// <summary>BPF_RSH.</summary>
    public const byte RightShift = 0x70;

    /// <summary>BPF_MOV.</summary>
    public const byte Move = 0xb0;

    /// <summary>BPF_JA: unconditional jump.</summary>
    public const byte JumpAlways = 0x00;

    /// <summary>BPF_JEQ.</summary>
    public const byte JumpEqual = 0x10;

    /// <summary>BPF_JNE.</summary>
    public const byte JumpNotEqual = 0x50;

    /// <summary>BPF_CALL: call a helper by number.</summary>
    public const byte Call = 0x80;

    /// <summary>BPF_EXIT: return r0.</summary>
    public const byte Exit = 0x90;

    /// <summary>BPF_PSEUDO_MAP_FD: the source register of a 64-bit load whose immediate is a map file descriptor.</summary>
    public const byte PseudoMapFd = 1;

    /// <summary>The helper <c>bpf_map_lookup_elem</c>.</summary>
    public const int HelperMapLookupElement = 1;

    /// <summary>The helper <c>bpf_tail_call</c>.</summary>
    public const int HelperTailCall = 12;
}
