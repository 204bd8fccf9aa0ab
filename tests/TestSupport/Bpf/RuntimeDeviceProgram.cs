using SriovForwarder.Kernel.Bpf;
using static SriovForwarder.Kernel.Bpf.BpfRegister;

namespace SriovForwarder.TestSupport.Bpf;

/// <summary>A container runtime's device program in miniature: allows the listed character devices, denies the rest, attached as runc does.</summary>
public static class RuntimeDeviceProgram
{
    public const string Name = "test_runtime";

    /// <summary>Loads the program allowing <paramref name="allowed"/> (major, minor) pairs.</summary>
    public static BpfHandle Load(IBpf bpf, params (uint Major, uint Minor)[] allowed)
    {
        var asm = new BpfAssembler()
            .LoadWord(R2, R1, 0)
            .Alu(BpfOpcodes.And, R2, 0xffff)
            .JumpIf(BpfOpcodes.JumpNotEqual, R2, (int)DeviceGrantProgram.CharacterDevice, "deny")
            .LoadWord(R3, R1, 4)
            .LoadWord(R4, R1, 8);
        for (var i = 0; i < allowed.Length; i++)
        {
            asm.JumpIf(BpfOpcodes.JumpNotEqual, R3, (int)allowed[i].Major, $"next{i}")
                .JumpIf(BpfOpcodes.JumpEqual, R4, (int)allowed[i].Minor, "allow")
                .Label($"next{i}");
        }

        asm.Label("deny").Move(R0, 0).Exit().Label("allow").Move(R0, 1).Exit();
        return bpf.LoadProgram(BpfTypes.ProgramCgroupDevice, asm.Build(), Name, BpfTypes.AttachCgroupDevice);
    }

    /// <summary>Loads and attaches the runtime-like program to <paramref name="cgroupDir"/> with BPF_F_ALLOW_MULTI, allowing /dev/null and /dev/zero.</summary>
    public static BpfHandle AttachNullAndZero(IBpf bpf, string cgroupDir, uint flags = BpfTypes.AttachAllowMulti)
    {
        var program = Load(bpf, (1, 3), (1, 5));
        using var cgroup = bpf.OpenCgroup(cgroupDir);
        bpf.Attach(cgroup, program, BpfTypes.AttachCgroupDevice, flags);
        return program;
    }
}
