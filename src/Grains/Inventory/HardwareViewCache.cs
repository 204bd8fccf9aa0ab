using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Grains.Inventory;

/// <summary>
/// The sysfs view of a node's PFs and VFs that its fleet reports carry, read again only when it is older than the
/// maximum age or marked stale. Reading every VF's driver, netdev and NUMA node on each reservation's report cost about
/// two thirds of a reserve + release (issue 14, bench/README.md); pool counts and owners, which come from the grain, stay
/// fresh on every report. Safe to use from the report's task while the grain marks it stale in its turn.
/// </summary>
public sealed class HardwareViewCache(TimeProvider time, TimeSpan maxAge)
{
    private readonly Lock _lock = new();
    private IReadOnlyList<PhysicalFunctionSnapshot>? _view;
    private long _readAt;

    /// <summary>How old a view may be before a report reads sysfs again.</summary>
    public TimeSpan MaxAge => maxAge;

    /// <summary>Whether a report made now would read sysfs (no view yet, marked stale, or too old).</summary>
    public bool NeedsRead
    {
        get
        {
            lock (_lock)
            {
                return _view is null || time.GetElapsedTime(_readAt) >= maxAge;
            }
        }
    }

    /// <summary>Makes the next report read sysfs (the grain saw the hardware change: a health event, a new activation).</summary>
    public void MarkStale()
    {
        lock (_lock)
        {
            _view = null;
        }
    }

    /// <summary>The view: the cached one while fresh, else a new read of every PF of <paramref name="inventory"/>.</summary>
    public IReadOnlyList<PhysicalFunctionSnapshot> Read(IPciDevices pci, NodeInventory inventory, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_view is not null && time.GetElapsedTime(_readAt) < maxAge)
            {
                return _view;
            }
        }

        var startedAt = time.GetTimestamp();
        var view = HardwareView.ReadAll(pci, inventory, now);
        lock (_lock)
        {
            (_view, _readAt) = (view, startedAt);
        }

        return view;
    }
}
