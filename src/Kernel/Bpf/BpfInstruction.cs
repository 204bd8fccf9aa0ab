using System.Buffers.Binary;

namespace SriovForwarder.Kernel.Bpf;

/// <summary>One eBPF instruction as the kernel's <c>struct bpf_insn</c> lays it out: opcode, registers, offset, immediate.</summary>
/// <param name="Code">The opcode: instruction class, size or operation, and source bits.</param>
/// <param name="Destination">The destination register (r0–r10).</param>
/// <param name="Source">The source register, or a pseudo value such as <see cref="BpfOpcodes.PseudoMapFd"/> for 64-bit loads.</param>
/// <param name="Offset">The signed 16-bit offset: a memory displacement or a jump distance in instructions.</param>
/// <param name="Immediate">The signed 32-bit immediate.</param>
public readonly record struct BpfInstruction(byte Code, byte Destination, byte Source, short Offset, int Immediate)
{
    /// <summary>The encoded size of one instruction.</summary>
    public const int Size = 8;

    /// <summary>Writes the 8 bytes: code, dst in the low and src in the high nibble, offset and immediate little-endian (eBPF runs little-endian here).</summary>
    public void WriteTo(Span<byte> destination)
    {
        destination[0] = Code;
        destination[1] = (byte)((Destination & 0x0f) | ((Source & 0x0f) << 4));
        BinaryPrimitives.WriteInt16LittleEndian(destination[2..], Offset);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], Immediate);
    }

    /// <summary>Encodes a program into the bytes <c>BPF_PROG_LOAD</c> takes.</summary>
    public static byte[] Encode(IReadOnlyList<BpfInstruction> program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var bytes = new byte[program.Count * Size];
        for (var i = 0; i < program.Count; i++)
        {
            program[i].WriteTo(bytes.AsSpan(i * Size, Size));
        }

        return bytes;
    }
}
