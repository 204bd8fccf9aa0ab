using System.Buffers.Binary;
using static SriovForwarder.Kernel.Bpf.BpfOpcodes;
using static SriovForwarder.Kernel.Bpf.BpfRegister;

namespace SriovForwarder.Kernel.Bpf;

/// <summary>
/// Our cgroup device program: allows an access when <c>(type, major, minor)</c> is in the grants hash map with every
/// requested access bit, and otherwise tail-calls the runtime's original program (slot 0 of a program array), so the
/// runtime's rules decide everything we did not grant. An empty slot makes the tail call fall through to deny.
/// </summary>
public static class DeviceGrantProgram
{
    /// <summary>The program's name, by which a restarted forwarder recognises its own program on a cgroup.</summary>
    public const string Name = "nsm_dev_grants";

    /// <summary>The grants map key: <c>u32 type</c> (BPF_DEVCG_DEV_*), <c>u32 major</c>, <c>u32 minor</c>.</summary>
    public const int KeySize = 12;

    /// <summary>The grants map value: <c>u32</c> BPF_DEVCG_ACC_* bits allowed.</summary>
    public const int ValueSize = 4;

    /// <summary>How many (type, major, minor) entries one cgroup's grants map holds.</summary>
    public const int MaxGrants = 256;

    /// <summary>BPF_DEVCG_DEV_CHAR, the type of VFIO nodes.</summary>
    public const uint CharacterDevice = 2;

    /// <summary>BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE (<c>rwm</c>).</summary>
    public const uint AccessAll = 1 | 2 | 4;

    private const string Original = "original";

    /// <summary>The instructions, with the two map file descriptors embedded as 64-bit map loads.</summary>
    public static IReadOnlyList<BpfInstruction> Assemble(int grantsMapFd, int originalsMapFd) => new BpfAssembler()
        // struct bpf_cgroup_dev_ctx { u32 access_type /* access << 16 | type */; u32 major; u32 minor; }
        .Move(R6, R1)
        .LoadWord(R7, R6, 0)
        .Move(R2, R7)
        .Alu(BpfOpcodes.And, R2, 0xffff)
        .Alu(RightShift, R7, 16)
        .StoreWord(R10, -16, R2)
        .LoadWord(R2, R6, 4)
        .StoreWord(R10, -12, R2)
        .LoadWord(R2, R6, 8)
        .StoreWord(R10, -8, R2)
        .LoadMapFd(R1, grantsMapFd)
        .Move(R2, R10)
        .Alu(BpfOpcodes.Add, R2, -16)
        .Call(HelperMapLookupElement)
        .JumpIf(JumpEqual, R0, 0, Original)
        .LoadWord(R1, R0, 0)
        .Alu(BpfOpcodes.And, R1, R7)
        .JumpIf(JumpNotEqual, R1, R7, Original)
        .Move(R0, 1)
        .Exit()
        .Label(Original)
        .Move(R1, R6)
        .LoadMapFd(R2, originalsMapFd)
        .Move(R3, 0)
        .Call(HelperTailCall)
        .Move(R0, 0)
        .Exit()
        .Build();

    /// <summary>The grants map key of a character device.</summary>
    public static byte[] Key(uint major, uint minor)
    {
        var key = new byte[KeySize];
        BinaryPrimitives.WriteUInt32LittleEndian(key, CharacterDevice);
        BinaryPrimitives.WriteUInt32LittleEndian(key.AsSpan(4), major);
        BinaryPrimitives.WriteUInt32LittleEndian(key.AsSpan(8), minor);
        return key;
    }

    /// <summary>The grants map value giving <c>rwm</c>.</summary>
    public static byte[] FullAccess()
    {
        var value = new byte[ValueSize];
        BinaryPrimitives.WriteUInt32LittleEndian(value, AccessAll);
        return value;
    }
}
