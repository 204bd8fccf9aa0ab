namespace SriovForwarder.Kernel.Bpf;

/// <summary>Map creation and element commands.</summary>
public sealed partial class BpfSyscalls
{
    /// <inheritdoc />
    public BpfHandle CreateMap(uint mapType, int keySize, int valueSize, int maxEntries, string name)
    {
        Span<byte> attr = stackalloc byte[AttrSize];
        attr.Clear();
        Put32(attr, 0, mapType);
        Put32(attr, 4, (uint)keySize);
        Put32(attr, 8, (uint)valueSize);
        Put32(attr, 12, (uint)maxEntries);
        PutName(attr, 28, name);
        var fd = Run(BpfCommand.MapCreate, attr, out var errno);
        return fd >= 0
            ? new BpfHandle((int)fd, $"map {name}")
            : throw new BpfException($"BPF_MAP_CREATE of map {name} (type {mapType}, key {keySize} B, value {valueSize} B, {maxEntries} entries)", errno);
    }

    /// <inheritdoc />
    public unsafe void UpdateElement(BpfHandle map, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags = BpfTypes.UpdateAny)
    {
        ArgumentNullException.ThrowIfNull(map);
        fixed (byte* k = key, v = value)
        {
            if (RunElement(BpfCommand.MapUpdateElement, map, k, v, flags, out var errno) < 0)
            {
                var hint = errno == ENoSpc ? " (the map is full)" : "";
                throw new BpfException($"BPF_MAP_UPDATE_ELEM in {map.Name}{hint}", errno);
            }
        }
    }

    /// <inheritdoc />
    public unsafe bool DeleteElement(BpfHandle map, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(map);
        fixed (byte* k = key)
        {
            if (RunElement(BpfCommand.MapDeleteElement, map, k, null, 0, out var errno) >= 0)
            {
                return true;
            }

            return errno == ENoEnt ? false : throw new BpfException($"BPF_MAP_DELETE_ELEM in {map.Name}", errno);
        }
    }

    /// <inheritdoc />
    public unsafe bool LookupElement(BpfHandle map, ReadOnlySpan<byte> key, Span<byte> value)
    {
        ArgumentNullException.ThrowIfNull(map);
        fixed (byte* k = key, v = value)
        {
            if (RunElement(BpfCommand.MapLookupElement, map, k, v, 0, out var errno) >= 0)
            {
                return true;
            }

            return errno == ENoEnt ? false : throw new BpfException($"BPF_MAP_LOOKUP_ELEM in {map.Name}", errno);
        }
    }

    /// <inheritdoc />
    public unsafe bool NextKey(BpfHandle map, ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        ArgumentNullException.ThrowIfNull(map);
        fixed (byte* k = key, n = nextKey)
        {
            // A null key asks for the first one.
            if (RunElement(BpfCommand.MapGetNextKey, map, key.IsEmpty ? null : k, n, 0, out var errno) >= 0)
            {
                return true;
            }

            return errno == ENoEnt ? false : throw new BpfException($"BPF_MAP_GET_NEXT_KEY in {map.Name}", errno);
        }
    }

    private static unsafe long RunElement(BpfCommand command, BpfHandle map, byte* key, byte* value, ulong flags, out int errno)
    {
        Span<byte> attr = stackalloc byte[AttrSize];
        attr.Clear();
        Put32(attr, 0, (uint)map.Fd);
        Put64(attr, 8, (ulong)key);
        Put64(attr, 16, (ulong)value);
        Put64(attr, 24, flags);
        return Run(command, attr, out errno);
    }
}
