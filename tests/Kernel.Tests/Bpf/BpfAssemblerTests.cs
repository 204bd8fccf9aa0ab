using SriovForwarder.Kernel.Bpf;
using static SriovForwarder.Kernel.Bpf.BpfRegister;

namespace SriovForwarder.Kernel.Tests.Bpf;

public sealed class BpfAssemblerTests
{
    // Expected bytes are struct bpf_insn as clang/llvm-objdump print them: code, dst|src<<4, off (le16), imm (le32).
    private static string Bytes(BpfAssembler assembler) => Convert.ToHexString(BpfInstruction.Encode(assembler.Build()));

    [Fact]
    public void Move_RegisterToRegister_EncodesAlu64MovX()
    {
        Assert.Equal("BF16000000000000", Bytes(new BpfAssembler().Move(R6, R1)));
    }

    [Fact]
    public void Move_Immediate_EncodesAlu64MovKWithSignedImmediate()
    {
        Assert.Equal("B700000001000000" + "B7020000FFFFFFFF",
            Bytes(new BpfAssembler().Move(R0, 1).Move(R2, -1)));
    }

    [Fact]
    public void Alu_AndShiftAddImmediate_EncodeOperationAndImmediate()
    {
        Assert.Equal("5702000000FF0000" + "7707000010000000" + "07020000F0FFFFFF",
            Bytes(new BpfAssembler().Alu(BpfOpcodes.And, R2, 0xff00).Alu(BpfOpcodes.RightShift, R7, 16).Alu(BpfOpcodes.Add, R2, -16)));
    }

    [Fact]
    public void Alu_AndRegister_EncodesSourceRegisterInHighNibble()
    {
        Assert.Equal("5F71000000000000", Bytes(new BpfAssembler().Alu(BpfOpcodes.And, R1, R7)));
    }

    [Fact]
    public void LoadWordAndStoreWord_EncodeSizeModeAndSignedOffset()
    {
        Assert.Equal("6167040000000000" + "632AF0FF00000000",
            Bytes(new BpfAssembler().LoadWord(R7, R6, 4).StoreWord(R10, -16, R2)));
    }

    [Fact]
    public void LoadMapFd_Fd5_EncodesTwoSlotsWithPseudoMapFdSource()
    {
        Assert.Equal("1811000005000000" + "0000000000000000", Bytes(new BpfAssembler().LoadMapFd(R1, 5)));
    }

    [Fact]
    public void JumpIf_ForwardLabel_OffsetCountsInstructionsBetween()
    {
        var bytes = Bytes(new BpfAssembler()
            .JumpIf(BpfOpcodes.JumpEqual, R0, 0, "out")
            .Move(R0, 1)
            .JumpIf(BpfOpcodes.JumpNotEqual, R1, R7, "out")
            .Label("out")
            .Exit());

        Assert.Equal("1500020000000000" + "B700000001000000" + "5D71000000000000" + "9500000000000000", bytes);
    }

    [Fact]
    public void CallAndExit_EncodeHelperNumber()
    {
        Assert.Equal("850000000C000000" + "9500000000000000", Bytes(new BpfAssembler().Call(BpfOpcodes.HelperTailCall).Exit()));
    }

    [Fact]
    public void Build_UndefinedLabel_ThrowsNamingIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new BpfAssembler().JumpIf(BpfOpcodes.JumpEqual, R0, 0, "nowhere").Build());

        Assert.Contains("nowhere", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeviceGrantProgram_Assemble_LooksUpGrantsThenTailCallsSlotZero()
    {
        var program = DeviceGrantProgram.Assemble(grantsMapFd: 7, originalsMapFd: 8);
        var hex = Convert.ToHexString(BpfInstruction.Encode(program));

        Assert.Equal(28, program.Count);
        Assert.Equal(
            "BF16000000000000" + "6167000000000000" + "BF72000000000000" + "57020000FFFF0000" + "7707000010000000"
            + "632AF0FF00000000" + "6162040000000000" + "632AF4FF00000000" + "6162080000000000" + "632AF8FF00000000"
            + "1811000007000000" + "0000000000000000" + "BFA2000000000000" + "07020000F0FFFFFF" + "8500000001000000"
            + "1500050000000000" + "6101000000000000" + "5F71000000000000" + "5D71020000000000" + "B700000001000000"
            + "9500000000000000" + "BF61000000000000" + "1812000008000000" + "0000000000000000" + "B703000000000000"
            + "850000000C000000" + "B700000000000000" + "9500000000000000",
            hex);
    }

    [Fact]
    public void DeviceGrantProgram_Key_IsCharTypeMajorMinorLittleEndian()
    {
        Assert.Equal("02000000" + "0A000000" + "C4000000", Convert.ToHexString(DeviceGrantProgram.Key(10, 196)));
    }
}
