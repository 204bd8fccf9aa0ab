namespace SriovForwarder.Kernel.Bpf;

/// <summary>The kernel's numbers for the BPF program, map and attach types and the attach flags used here.</summary>
public static class BpfTypes
{
    /// <summary>BPF_MAP_TYPE_HASH.</summary>
    public const uint MapHash = 1;

    /// <summary>BPF_MAP_TYPE_PROG_ARRAY: the table <c>bpf_tail_call</c> jumps through.</summary>
    public const uint MapProgramArray = 3;

    /// <summary>BPF_PROG_TYPE_CGROUP_DEVICE.</summary>
    public const uint ProgramCgroupDevice = 15;

    /// <summary>BPF_CGROUP_DEVICE: the attach point of device programs on a cgroup.</summary>
    public const uint AttachCgroupDevice = 6;

    /// <summary>No flag: one program, replaced by the next attach with no flag.</summary>
    public const uint AttachExclusive = 0;

    /// <summary>BPF_F_ALLOW_OVERRIDE: a descendant cgroup may override this program.</summary>
    public const uint AttachAllowOverride = 1;

    /// <summary>BPF_F_ALLOW_MULTI: several programs, all of which must allow (as runc and crun attach).</summary>
    public const uint AttachAllowMulti = 2;

    /// <summary>BPF_ANY for map updates: create or replace.</summary>
    public const ulong UpdateAny = 0;
}
