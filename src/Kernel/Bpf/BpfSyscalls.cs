using System.Buffers.Binary;
using System.Text;

namespace SriovForwarder.Kernel.Bpf;

/// <summary>The <see cref="IBpf"/> of the running kernel: one bpf(2) call per method, <c>union bpf_attr</c> laid out by hand.</summary>
public sealed partial class BpfSyscalls : IBpf
{
    // Large enough for every field used here; the kernel accepts a shorter or zero-padded longer union.
    private const int AttrSize = 128;
    private const int ENoEnt = 2;
    private const int ENoSpc = 28;
    private const int LogSize = 1 << 20;
    private const int ProgramInfoSize = 232;
    private const int NameSize = 16;

    /// <inheritdoc />
    public unsafe BpfHandle LoadProgram(uint programType, IReadOnlyList<BpfInstruction> program, string name, uint expectedAttachType, string license = "GPL")
    {
        ArgumentNullException.ThrowIfNull(program);
        var instructions = BpfInstruction.Encode(program);
        var licenseBytes = Encoding.ASCII.GetBytes(license + "\0");
        var log = new byte[LogSize];
        Span<byte> attr = stackalloc byte[AttrSize];
        attr.Clear();
        fixed (byte* insns = instructions, lic = licenseBytes, logBuffer = log)
        {
            Put32(attr, 0, programType);
            Put32(attr, 4, (uint)program.Count);
            Put64(attr, 8, (ulong)insns);
            Put64(attr, 16, (ulong)lic);
            Put32(attr, 24, 1); // log_level 1: the verifier explains a rejection
            Put32(attr, 28, LogSize);
            Put64(attr, 32, (ulong)logBuffer);
            PutName(attr, 48, name);
            Put32(attr, 68, expectedAttachType);
            var fd = Run(BpfCommand.ProgramLoad, attr, out var errno);
            if (fd < 0)
            {
                var end = Array.IndexOf(log, (byte)0);
                throw new BpfException($"BPF_PROG_LOAD of program {name} ({program.Count} instructions)", errno,
                    Encoding.UTF8.GetString(log, 0, end < 0 ? log.Length : end));
            }

            return new BpfHandle((int)fd, $"program {name}");
        }
    }

    /// <inheritdoc />
    public BpfHandle OpenCgroup(string directory)
    {
        var fd = BpfNative.OpenDirectoryFd(directory, out var errno);
        return fd >= 0
            ? new BpfHandle(fd, $"cgroup {directory}")
            : throw new BpfException($"opening cgroup {directory}", errno);
    }

    /// <inheritdoc />
    public void Attach(BpfHandle cgroup, BpfHandle program, uint attachType, uint flags)
    {
        ArgumentNullException.ThrowIfNull(cgroup);
        ArgumentNullException.ThrowIfNull(program);
        Span<byte> attr = stackalloc byte[AttrSize];
        attr.Clear();
        Put32(attr, 0, (uint)cgroup.Fd);
        Put32(attr, 4, (uint)program.Fd);
        Put32(attr, 8, attachType);
        Put32(attr, 12, flags);
        if (Run(BpfCommand.ProgramAttach, attr, out var errno) < 0)
        {
            throw new BpfException($"BPF_PROG_ATTACH of {program.Name} to {cgroup.Name} (attach type {attachType}, flags {flags})", errno);
        }
    }

    /// <inheritdoc />
    public void Detach(BpfHandle cgroup, BpfHandle program, uint attachType)
    {
        ArgumentNullException.ThrowIfNull(cgroup);
        ArgumentNullException.ThrowIfNull(program);
        Span<byte> attr = stackalloc byte[AttrSize];
        attr.Clear();
        Put32(attr, 0, (uint)cgroup.Fd);
        Put32(attr, 4, (uint)program.Fd);
        Put32(attr, 8, attachType);
        if (Run(BpfCommand.ProgramDetach, attr, out var errno) < 0)
        {
            throw new BpfException($"BPF_PROG_DETACH of {program.Name} from {cgroup.Name} (attach type {attachType})", errno);
        }
    }

    /// <inheritdoc />
    public unsafe BpfAttachedPrograms Query(BpfHandle cgroup, uint attachType)
    {
        ArgumentNullException.ThrowIfNull(cgroup);

        // The kernel allows at most 64 programs per attach point.
        var ids = new uint[64];
        Span<byte> attr = stackalloc byte[AttrSize];
        attr.Clear();
        fixed (uint* idBuffer = ids)
        {
            Put32(attr, 0, (uint)cgroup.Fd);
            Put32(attr, 4, attachType);
            Put64(attr, 16, (ulong)idBuffer);
            Put32(attr, 24, (uint)ids.Length);
            if (Run(BpfCommand.ProgramQuery, attr, out var errno) < 0)
            {
                throw new BpfException($"BPF_PROG_QUERY of {cgroup.Name} (attach type {attachType})", errno);
            }
        }

        var count = (int)BinaryPrimitives.ReadUInt32LittleEndian(attr[24..]);
        return new BpfAttachedPrograms(BinaryPrimitives.ReadUInt32LittleEndian(attr[12..]), ids[..Math.Min(count, ids.Length)]);
    }

    /// <inheritdoc />
    public BpfHandle GetProgramById(uint id) => GetById(BpfCommand.ProgramGetFdById, id, "program");

    /// <inheritdoc />
    public BpfHandle GetMapById(uint id) => GetById(BpfCommand.MapGetFdById, id, "map");

    /// <inheritdoc />
    public unsafe BpfProgramInfo GetProgramInfo(BpfHandle program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var mapIds = new uint[16];
        Span<byte> info = stackalloc byte[ProgramInfoSize];
        info.Clear();
        Span<byte> attr = stackalloc byte[AttrSize];
        attr.Clear();
        fixed (byte* infoBuffer = info)
        fixed (uint* mapBuffer = mapIds)
        {
            Put32(info, 52, (uint)mapIds.Length); // nr_map_ids in: room in map_ids
            Put64(info, 56, (ulong)mapBuffer);
            Put32(attr, 0, (uint)program.Fd);
            Put32(attr, 4, ProgramInfoSize);
            Put64(attr, 8, (ulong)infoBuffer);
            if (Run(BpfCommand.ObjectGetInfoByFd, attr, out var errno) < 0)
            {
                throw new BpfException($"BPF_OBJ_GET_INFO_BY_FD of {program.Name}", errno);
            }
        }

        var nameBytes = info.Slice(64, NameSize);
        var end = nameBytes.IndexOf((byte)0);
        var mapCount = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(info[52..]), (uint)mapIds.Length);
        return new BpfProgramInfo(
            BinaryPrimitives.ReadUInt32LittleEndian(info[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(info),
            Encoding.ASCII.GetString(end < 0 ? nameBytes : nameBytes[..end]),
            mapIds[..mapCount]);
    }

    /// <inheritdoc />
    public unsafe void Pin(BpfHandle handle, string path)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var pathBytes = Encoding.UTF8.GetBytes(path + "\0");
        Span<byte> attr = stackalloc byte[AttrSize];
        attr.Clear();
        fixed (byte* p = pathBytes)
        {
            Put64(attr, 0, (ulong)p);
            Put32(attr, 8, (uint)handle.Fd);
            if (Run(BpfCommand.ObjectPin, attr, out var errno) < 0)
            {
                throw new BpfException($"BPF_OBJ_PIN of {handle.Name} at {path}", errno);
            }
        }
    }

    /// <inheritdoc />
    public unsafe BpfHandle? GetPinned(string path, string name)
    {
        var pathBytes = Encoding.UTF8.GetBytes(path + "\0");
        Span<byte> attr = stackalloc byte[AttrSize];
        attr.Clear();
        fixed (byte* p = pathBytes)
        {
            Put64(attr, 0, (ulong)p);
            var fd = Run(BpfCommand.ObjectGet, attr, out var errno);
            if (fd >= 0)
            {
                return new BpfHandle((int)fd, name);
            }

            return errno == ENoEnt ? null : throw new BpfException($"BPF_OBJ_GET of {name} at {path}", errno);
        }
    }

    private static BpfHandle GetById(BpfCommand command, uint id, string kind)
    {
        Span<byte> attr = stackalloc byte[AttrSize];
        attr.Clear();
        Put32(attr, 0, id);
        var fd = Run(command, attr, out var errno);
        var name = $"{kind} id {id}";
        return fd >= 0 ? new BpfHandle((int)fd, name) : throw new BpfException($"{command} of {name}", errno);
    }

    private static unsafe long Run(BpfCommand command, Span<byte> attr, out int errno)
    {
        fixed (byte* a = attr)
        {
            return BpfNative.Bpf(command, a, attr.Length, out errno);
        }
    }

    private static void Put32(Span<byte> attr, int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(attr[offset..], value);

    private static void Put64(Span<byte> attr, int offset, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(attr[offset..], value);

    private static void PutName(Span<byte> attr, int offset, string name)
    {
        // BPF object names: at most 15 characters of [A-Za-z0-9_.], NUL-terminated.
        var bytes = Encoding.ASCII.GetBytes(name);
        bytes.AsSpan(0, Math.Min(bytes.Length, NameSize - 1)).CopyTo(attr.Slice(offset, NameSize));
    }
}
