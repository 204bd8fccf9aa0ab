using SriovForwarder.Kernel.Bpf;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Kernel.Cgroups;

/// <summary>
/// Our <see cref="DeviceGrantProgram"/> in place of the container runtime's device program on one cgroup2 folder.
/// The runtime's program stays reachable through the program array, so its rules still decide every device we did
/// not grant; the maps and our program are pinned in a bpffs because the kernel empties a program array whose last
/// user reference goes, which would make the cgroup deny every device once this process exits.
/// </summary>
internal sealed class DeviceProgramTakeover : IDisposable
{
    private const string ProgramPin = "program";
    private const string GrantsPin = "grants";
    private const string OriginalsPin = "originals";

    private readonly IBpf _bpf;
    private readonly BpfHandle _program;
    private readonly BpfHandle _grants;
    private readonly BpfHandle _originals;
    private readonly BpfHandle _original;
    private readonly uint _flags;

    private DeviceProgramTakeover(
        IBpf bpf, string cgroupDir, string pinFolder, BpfHandle program, BpfHandle grants, BpfHandle originals, BpfHandle original, uint flags)
    {
        _bpf = bpf;
        CgroupDir = cgroupDir;
        PinFolder = pinFolder;
        _program = program;
        _grants = grants;
        _originals = originals;
        _original = original;
        _flags = flags;
    }

    /// <summary>The cgroup folder.</summary>
    public string CgroupDir { get; }

    /// <summary>The bpffs folder holding the pins of this takeover.</summary>
    public string PinFolder { get; }

    /// <summary>True when this takeover found our program already attached (a previous process made it) instead of attaching it.</summary>
    public bool Adopted { get; private init; }

    /// <summary>
    /// Swaps our program in for the runtime's, or adopts ours when a previous process already did. Null when no device
    /// program is attached to the cgroup itself: then nothing restricts its devices at this level and there is nothing to widen.
    /// </summary>
    /// <param name="bpf">The bpf layer.</param>
    /// <param name="cgroupDir">The cgroup folder.</param>
    /// <param name="pinFolder">The bpffs folder for this cgroup's pins.</param>
    /// <param name="takeOver">False to only adopt our program when it is there (a revoke must never swap ours in).</param>
    /// <exception cref="DeviceCgroupException">More than one device program is attached, or a kernel call failed; nothing changed.</exception>
    public static DeviceProgramTakeover? Open(IBpf bpf, string cgroupDir, string pinFolder, bool takeOver = true)
    {
        using var cgroup = bpf.OpenCgroup(cgroupDir);
        var attached = bpf.Query(cgroup, BpfTypes.AttachCgroupDevice);
        if (attached.ProgramIds.Count == 0)
        {
            return null;
        }

        if (attached.ProgramIds.Count > 1)
        {
            // With BPF_F_ALLOW_MULTI every program must allow; a tail call can stand in for one program only.
            throw new DeviceCgroupException(
                $"cgroup {cgroupDir} has {attached.ProgramIds.Count} device programs attached (ids {string.Join(", ", attached.ProgramIds)}): " +
                "granting a device needs exactly one, the container runtime's");
        }

        var attachedProgram = bpf.GetProgramById(attached.ProgramIds[0]);
        try
        {
            if (bpf.GetProgramInfo(attachedProgram).Name == DeviceGrantProgram.Name)
            {
                return Adopt(bpf, cgroupDir, pinFolder, attachedProgram, attached.AttachFlags);
            }

            if (!takeOver)
            {
                attachedProgram.Dispose();
                return null;
            }

            return TakeOver(bpf, cgroup, cgroupDir, pinFolder, attachedProgram, attached.AttachFlags);
        }
        catch
        {
            attachedProgram.Dispose();
            throw;
        }
    }

    /// <summary>Allows <c>c M:m rwm</c> in the cgroup: one map update, no program reload.</summary>
    public void Grant(DeviceNumber device) =>
        _bpf.UpdateElement(_grants, DeviceGrantProgram.Key(device.Major, device.Minor), DeviceGrantProgram.FullAccess());

    /// <summary>Takes the device back (the runtime's program decides it again); false when it was not granted.</summary>
    public bool Revoke(DeviceNumber device) => _bpf.DeleteElement(_grants, DeviceGrantProgram.Key(device.Major, device.Minor));

    /// <summary>Whether our program is still attached to the cgroup (a <c>runc update</c> replaces it with the runtime's new one).</summary>
    public bool IsAttached()
    {
        if (!Directory.Exists(CgroupDir))
        {
            return false;
        }

        using var cgroup = _bpf.OpenCgroup(CgroupDir);
        return _bpf.Query(cgroup, BpfTypes.AttachCgroupDevice).ProgramIds.Contains(_bpf.GetProgramInfo(_program).Id);
    }

    /// <summary>Whether the grants map is empty: no grant of this process nor of a previous one (not yet restored) is left.</summary>
    public bool IsEmpty() => !_bpf.NextKey(_grants, [], new byte[DeviceGrantProgram.KeySize]);

    /// <summary>Whether the device is in the grants map.</summary>
    public bool IsGranted(DeviceNumber device) =>
        _bpf.LookupElement(_grants, DeviceGrantProgram.Key(device.Major, device.Minor), new byte[DeviceGrantProgram.ValueSize]);

    /// <summary>
    /// Puts the runtime's program back (attached first, ours detached after, so access never narrows or widens on the way)
    /// and removes the pins. When the runtime has meanwhile replaced our program (<c>runc update</c>), only the pins go.
    /// </summary>
    /// <returns>False when our program was no longer attached.</returns>
    public bool GiveBack()
    {
        var restored = false;
        if (Directory.Exists(CgroupDir))
        {
            using var cgroup = _bpf.OpenCgroup(CgroupDir);
            var ourId = _bpf.GetProgramInfo(_program).Id;
            if (_bpf.Query(cgroup, BpfTypes.AttachCgroupDevice).ProgramIds.Contains(ourId))
            {
                Swap(cgroup, from: _program, to: _original, _flags);
                restored = true;
            }
        }

        RemovePins(PinFolder);
        return restored;
    }

    /// <summary>Removes the pins of a takeover whose cgroup is gone (the kernel detached its programs with it).</summary>
    public static void RemovePins(string pinFolder)
    {
        if (!Directory.Exists(pinFolder))
        {
            return;
        }

        foreach (var pin in new[] { ProgramPin, GrantsPin, OriginalsPin })
        {
            File.Delete(Path.Combine(pinFolder, pin));
        }

        Directory.Delete(pinFolder);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _program.Dispose();
        _grants.Dispose();
        _originals.Dispose();
        _original.Dispose();
    }

    private static DeviceProgramTakeover TakeOver(IBpf bpf, BpfHandle cgroup, string cgroupDir, string pinFolder, BpfHandle original, uint flags)
    {
        var handles = new List<BpfHandle>();
        var attached = false;
        try
        {
            var grants = Add(handles, bpf.CreateMap(BpfTypes.MapHash, DeviceGrantProgram.KeySize, DeviceGrantProgram.ValueSize, DeviceGrantProgram.MaxGrants, "nsm_dev_grants"));
            var originals = Add(handles, bpf.CreateMap(BpfTypes.MapProgramArray, 4, 4, 1, "nsm_dev_orig"));
            bpf.UpdateElement(originals, new byte[4], BitConverter.GetBytes(original.Fd));
            var program = Add(handles, bpf.LoadProgram(
                BpfTypes.ProgramCgroupDevice, DeviceGrantProgram.Assemble(grants.Fd, originals.Fd), DeviceGrantProgram.Name, BpfTypes.AttachCgroupDevice));

            // Pins first: from the attach on, a crash must not leave a program array without a user reference.
            RemovePins(pinFolder);
            Directory.CreateDirectory(pinFolder);
            bpf.Pin(originals, Path.Combine(pinFolder, OriginalsPin));
            bpf.Pin(grants, Path.Combine(pinFolder, GrantsPin));
            bpf.Pin(program, Path.Combine(pinFolder, ProgramPin));

            var takeover = new DeviceProgramTakeover(bpf, cgroupDir, pinFolder, program, grants, originals, original, flags);
            takeover.Swap(cgroup, from: original, to: program, flags);
            attached = true;
            return takeover;
        }
        catch when (!attached)
        {
            RemovePins(pinFolder);
            handles.ForEach(h => h.Dispose());
            throw;
        }
    }

    private static DeviceProgramTakeover Adopt(IBpf bpf, string cgroupDir, string pinFolder, BpfHandle program, uint flags)
    {
        var handles = new List<BpfHandle>();
        try
        {
            var grants = Add(handles, bpf.GetPinned(Path.Combine(pinFolder, GrantsPin), "map nsm_dev_grants") ?? throw Missing(cgroupDir, Path.Combine(pinFolder, GrantsPin)));
            var originals = Add(handles, bpf.GetPinned(Path.Combine(pinFolder, OriginalsPin), "map nsm_dev_orig") ?? throw Missing(cgroupDir, Path.Combine(pinFolder, OriginalsPin)));
            var id = new byte[4];
            if (!bpf.LookupElement(originals, new byte[4], id))
            {
                throw new DeviceCgroupException($"our device program on cgroup {cgroupDir} has lost the runtime's program (program array empty); cannot adopt it");
            }

            var original = bpf.GetProgramById(BitConverter.ToUInt32(id));
            return new DeviceProgramTakeover(bpf, cgroupDir, pinFolder, program, grants, originals, original, flags) { Adopted = true };
        }
        catch
        {
            handles.ForEach(h => h.Dispose());
            throw;
        }
    }

    private static DeviceCgroupException Missing(string cgroupDir, string pin) =>
        new($"our device program is attached to cgroup {cgroupDir} but its pin {pin} is missing; cannot adopt it");

    private void Swap(BpfHandle cgroup, BpfHandle from, BpfHandle to, uint flags)
    {
        // Without BPF_F_ALLOW_MULTI an attach with the same flags replaces the program in one step.
        _bpf.Attach(cgroup, to, BpfTypes.AttachCgroupDevice, flags);
        if (flags != BpfTypes.AttachAllowMulti)
        {
            return;
        }

        try
        {
            _bpf.Detach(cgroup, from, BpfTypes.AttachCgroupDevice);
        }
        catch
        {
            _bpf.Detach(cgroup, to, BpfTypes.AttachCgroupDevice);
            throw;
        }
    }

    private static BpfHandle Add(List<BpfHandle> handles, BpfHandle handle)
    {
        handles.Add(handle);
        return handle;
    }
}
