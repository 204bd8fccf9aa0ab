using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Kernel.Cgroups;

/// <summary>The reconcile half of the cgroup v2 grants: repairs what a runtime update undid and sweeps stale pins.</summary>
public sealed partial class DeviceProgramController
{
    /// <summary>
    /// Re-applies this process's grants on every cgroup where the runtime has replaced our program (a <c>runc update</c>
    /// attaches its new program and detaches every old one), taking the new program over the same way, and removes the
    /// pins of cgroups that no longer exist. Failures are logged per cgroup and do not stop the others.
    /// </summary>
    /// <returns>How many cgroups had their grants re-applied.</returns>
    public int Reconcile()
    {
        lock (Gate)
        {
            var repaired = 0;
            foreach (var held in References.Grants.GroupBy(g => g.CgroupPath, StringComparer.Ordinal).ToList())
            {
                try
                {
                    repaired += ReconcileCgroup(held.Key, [.. held.Select(g => g.Device)]) ? 1 : 0;
                }
                catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException)
                {
                    logger.ReconcileFailed(error, held.Key);
                }
            }

            SweepPins();
            return repaired;
        }
    }

    private bool ReconcileCgroup(string relativePath, IReadOnlyList<DeviceNumber> devices)
    {
        if (_matcher.Find(relativePath) is not { } cgroup)
        {
            Forget(relativePath);
            return false;
        }

        if (_takeovers.TryGetValue(relativePath, out var known))
        {
            if (known.IsAttached())
            {
                return false;
            }

            _takeovers.Remove(relativePath);
            known.Dispose();
        }

        if (TakeOver(cgroup) is not { } takeover || takeover.Adopted)
        {
            // No device program any more (nothing restricts), or ours is in place (adopted after a restart): nothing lost.
            return false;
        }

        foreach (var device in devices)
        {
            takeover.Grant(device);
        }

        logger.Reapplied(relativePath, devices.Count);
        return true;
    }

    private void SweepPins()
    {
        if (!Directory.Exists(_pinRoot))
        {
            return;
        }

        foreach (var folder in Directory.EnumerateDirectories(_pinRoot))
        {
            var relativePath = Uri.UnescapeDataString(Path.GetFileName(folder));
            if (!_takeovers.ContainsKey(relativePath) && _matcher.Find(relativePath) is null)
            {
                DeviceProgramTakeover.RemovePins(folder);
                logger.PinsSwept(relativePath, folder);
            }
        }
    }
}
