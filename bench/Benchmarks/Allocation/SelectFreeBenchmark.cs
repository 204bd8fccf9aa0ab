using BenchmarkDotNet.Attributes;
using SriovForwarder.Grains.Allocation;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Benchmarks.Allocation;

/// <summary>One reserve + release decision (ResourcePool.Select then Free) on a half-used node of growing size.</summary>
/// <remarks>
/// Shape: PFs of 64 VFs each (1, 16 and 256 PFs), every VF in its own IOMMU group, every PF offering two names
/// (<c>sd1/intel</c>, <c>sd2/intel</c>). Before measuring, half of the VFs are held through <c>sd1/intel</c>
/// tokens, alternating kernel and vfio-pci, so the groups, the per-PF free counts and the closed siblings are
/// mixed. Each measured operation selects a VF for a free <c>sd2/intel</c> token (kernel) and frees it again, which
/// moves one group from no-driver to kernel and back, closes and re-opens a sibling token and updates the PF heaps.
/// </remarks>
[Config(typeof(AllocationBenchmarkConfig))]
public class SelectFreeBenchmark
{
    private ResourcePool _pool = null!;
    private string _token = null!;
    private const int WindowMask = (1 << 18) - 1;
    private readonly List<double> _windows = new(4096);
    private long _operations;
    private double _windowStart;

    [Params(64, 1_024, 16_384)]
    public int VfCount { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        const int VfsPerPf = 64;
        var pfs = new PoolPhysicalFunction[VfCount / VfsPerPf];
        for (var p = 0; p < pfs.Length; p++)
        {
            var vfs = new PoolVirtualFunction[VfsPerPf];
            for (var v = 0; v < VfsPerPf; v++)
            {
                vfs[v] = new PoolVirtualFunction($"{p / 256:x4}:{p % 256:x2}:{1 + (v / 8):x2}.{v % 8}", v, (p * VfsPerPf) + v);
            }

            pfs[p] = new PoolPhysicalFunction($"{p / 256:x4}:{p % 256:x2}:00.0", ["sd1/intel", "sd2/intel"], vfs);
        }

        var tokens = new TokenPool(pfs);
        _pool = new ResourcePool(pfs, tokens);
        var ids = tokens.Snapshot();
        var sd1 = ids.Where(token => token.Name == "sd1/intel").Select(token => token.Id).ToArray();
        for (var i = 0; i < VfCount / 2; i++)
        {
            _pool.Select(sd1[i], $"held-{i}", i % 2 == 0 ? VfDriver.Kernel : VfDriver.VfioPci);
        }

        _token = tokens.Snapshot().Last(token => token.Name == "sd2/intel" && token.State == TokenState.Free).Id;
        _operations = 0;
        _windows.Clear();
        _windowStart = ThreadCpuTime.Nanoseconds();
    }

    [Benchmark]
    public VfRelease SelectAndFree()
    {
        if ((++_operations & WindowMask) == 0)
        {
            CloseWindow();
        }

        var selection = _pool.Select(_token, "bench-connection", VfDriver.Kernel);
        return _pool.Free(selection.VfAddress);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        CpuTimePerOperationColumn.Record(VfCount, _windows);
        _pool.CheckInvariants();
    }

    // CPU time of this thread per operation over the last 2^18 operations; the median of these windows leaves
    // out the first ones, where the JIT compiles on this thread.
    private void CloseWindow()
    {
        var now = ThreadCpuTime.Nanoseconds();
        if (_windows.Count < _windows.Capacity)
        {
            _windows.Add((now - _windowStart) / (WindowMask + 1));
        }

        _windowStart = now;
    }
}
