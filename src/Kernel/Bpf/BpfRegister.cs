namespace SriovForwarder.Kernel.Bpf;

/// <summary>The eBPF registers: r0 return value, r1–r5 arguments (clobbered by calls), r6–r9 callee-saved, r10 frame pointer.</summary>
public enum BpfRegister : byte
{
    /// <summary>r0: helper and program return value.</summary>
    R0 = 0,

    /// <summary>r1: first argument; the context pointer at program entry.</summary>
    R1 = 1,

    /// <summary>r2: second argument.</summary>
    R2 = 2,

    /// <summary>r3: third argument.</summary>
    R3 = 3,

    /// <summary>r4: fourth argument.</summary>
    R4 = 4,

    /// <summary>r5: fifth argument.</summary>
    R5 = 5,

    /// <summary>r6: callee-saved.</summary>
    R6 = 6,

    /// <summary>r7: callee-saved.</summary>
    R7 = 7,

    /// <summary>r8: callee-saved.</summary>
    R8 = 8,

    /// <summary>r9: callee-saved.</summary>
    R9 = 9,

    /// <summary>r10: read-only frame pointer.</summary>
    R10 = 10,
}
