using static SriovForwarder.Kernel.Bpf.BpfOpcodes;

namespace SriovForwarder.Kernel.Bpf;

/// <summary>
/// Builds an eBPF program instruction by instruction, with named labels for forward jumps so that
/// no jump distance is counted by hand; <see cref="Build"/> resolves them.
/// </summary>
public sealed class BpfAssembler
{
    private readonly List<BpfInstruction> _instructions = [];
    private readonly Dictionary<string, int> _labels = new(StringComparer.Ordinal);
    private readonly List<(int Index, string Label)> _fixups = [];

    /// <summary><c>dst = src</c> (64-bit).</summary>
    public BpfAssembler Move(BpfRegister destination, BpfRegister source) =>
        Add(new((byte)(ClassAlu64 | BpfOpcodes.Move | SourceRegister), (byte)destination, (byte)source, 0, 0));

    /// <summary><c>dst = imm</c> (64-bit, sign-extended).</summary>
    public BpfAssembler Move(BpfRegister destination, int immediate) =>
        Add(new((byte)(ClassAlu64 | BpfOpcodes.Move | SourceImmediate), (byte)destination, 0, 0, immediate));

    /// <summary><c>dst op= imm</c> (64-bit) for an ALU operation such as <see cref="BpfOpcodes.And"/>.</summary>
    public BpfAssembler Alu(byte operation, BpfRegister destination, int immediate) =>
        Add(new((byte)(ClassAlu64 | operation | SourceImmediate), (byte)destination, 0, 0, immediate));

    /// <summary><c>dst op= src</c> (64-bit).</summary>
    public BpfAssembler Alu(byte operation, BpfRegister destination, BpfRegister source) =>
        Add(new((byte)(ClassAlu64 | operation | SourceRegister), (byte)destination, (byte)source, 0, 0));

    /// <summary><c>dst = *(u32 *)(src + offset)</c>.</summary>
    public BpfAssembler LoadWord(BpfRegister destination, BpfRegister source, short offset) =>
        Add(new((byte)(ClassLoadX | SizeWord | ModeMemory), (byte)destination, (byte)source, offset, 0));

    /// <summary><c>*(u32 *)(dst + offset) = src</c>.</summary>
    public BpfAssembler StoreWord(BpfRegister destination, short offset, BpfRegister source) =>
        Add(new((byte)(ClassStoreX | SizeWord | ModeMemory), (byte)destination, (byte)source, offset, 0));

    /// <summary><c>dst = map</c>: the two-instruction 64-bit load of a map file descriptor, which the verifier turns into the map's address.</summary>
    public BpfAssembler LoadMapFd(BpfRegister destination, int mapFd)
    {
        Add(new((byte)(ClassLoad | SizeDoubleWord | ModeImmediate), (byte)destination, PseudoMapFd, 0, mapFd));
        return Add(new(0, 0, 0, 0, 0));
    }

    /// <summary><c>if dst op imm goto label</c> for a jump operation such as <see cref="BpfOpcodes.JumpEqual"/>.</summary>
    public BpfAssembler JumpIf(byte operation, BpfRegister destination, int immediate, string label)
    {
        _fixups.Add((_instructions.Count, label));
        return Add(new((byte)(ClassJump | operation | SourceImmediate), (byte)destination, 0, 0, immediate));
    }

    /// <summary><c>if dst op src goto label</c>.</summary>
    public BpfAssembler JumpIf(byte operation, BpfRegister destination, BpfRegister source, string label)
    {
        _fixups.Add((_instructions.Count, label));
        return Add(new((byte)(ClassJump | operation | SourceRegister), (byte)destination, (byte)source, 0, 0));
    }

    /// <summary>Calls a kernel helper by number (arguments in r1–r5, result in r0).</summary>
    public BpfAssembler Call(int helper) => Add(new((byte)(ClassJump | BpfOpcodes.Call), 0, 0, 0, helper));

    /// <summary>Returns r0.</summary>
    public BpfAssembler Exit() => Add(new((byte)(ClassJump | BpfOpcodes.Exit), 0, 0, 0, 0));

    /// <summary>Names the position of the next instruction as a jump target.</summary>
    public BpfAssembler Label(string name)
    {
        if (!_labels.TryAdd(name, _instructions.Count))
        {
            throw new InvalidOperationException($"BPF label \"{name}\" is defined twice");
        }

        return this;
    }

    /// <summary>The program with every jump's offset resolved (relative to the instruction after the jump).</summary>
    public IReadOnlyList<BpfInstruction> Build()
    {
        var program = _instructions.ToArray();
        foreach (var (index, label) in _fixups)
        {
            if (!_labels.TryGetValue(label, out var target))
            {
                throw new InvalidOperationException($"BPF label \"{label}\" is used but never defined");
            }

            program[index] = program[index] with { Offset = checked((short)(target - index - 1)) };
        }

        return program;
    }

    private BpfAssembler Add(BpfInstruction instruction)
    {
        _instructions.Add(instruction);
        return this;
    }
}
