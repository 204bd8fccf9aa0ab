using System.Globalization;

namespace SriovForwarder.Kernel.Pci;

/// <content>Driver binding and the readiness wait.</content>
public sealed partial class SysfsPciDevices
{
    /// <inheritdoc/>
    public async Task BindAsync(IReadOnlyList<DriverBinding> bindings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bindings);

        // Check everything before the first write, so a refused request leaves every function as it was.
        var plan = new List<(string Directory, DriverBinding Binding)>(bindings.Count);
        var seen = new HashSet<PciAddress>();
        foreach (var binding in bindings)
        {
            var address = ParseAddress(binding.Address);
            if (!seen.Add(address))
            {
                throw new PciException($"cannot bind {address}: it appears more than once in one binding request");
            }

            if (string.IsNullOrWhiteSpace(binding.Driver) || binding.Driver.Contains('/', StringComparison.Ordinal))
            {
                throw new PciException($"cannot bind {address}: invalid driver name \"{binding.Driver}\"");
            }

            var directory = ExistingDeviceDirectory(address);
            var current = ReadFunction(address, directory);
            if (current.Driver == binding.Driver)
            {
                continue;
            }

            if (current.IsPhysicalFunction)
            {
                throw new PciException($"refusing to rebind IOMMU group {current.IommuGroup}: it contains physical function {address}");
            }

            if (binding.IsVfio)
            {
                var pf = GetIommuGroupMembersOf(address.ToString())
                    .FirstOrDefault(member => File.Exists(Path.Combine(_options.DevicesPath, member, "sriov_totalvfs")));
                if (pf is not null)
                {
                    throw new PciException($"refusing to rebind IOMMU group {current.IommuGroup}: it contains physical function {pf}");
                }
            }

            var driverDirectory = Path.Combine(_options.DriversPath, binding.Driver);
            if (!Directory.Exists(driverDirectory))
            {
                throw new PciException($"cannot bind {address} to {binding.Driver}: the driver is not loaded ({driverDirectory} not found)");
            }

            plan.Add((directory, binding with { Address = address.ToString() }));
        }

        foreach (var (directory, binding) in plan)
        {
            await BindOneAsync(directory, binding, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public bool IsBound(IReadOnlyList<DriverBinding> bindings)
    {
        ArgumentNullException.ThrowIfNull(bindings);
        try
        {
            // The readiness BindAsync waits for (driver link, and the netdev or /dev/vfio/<group>), without its checks:
            // a function that is not ready, or anything unexpected, says "bind", and BindAsync then refuses or binds.
            return bindings.Count > 0 && bindings.All(binding =>
            {
                var address = PciAddress.Parse(binding.Address);
                var directory = DeviceDirectory(address);
                return Directory.Exists(directory) && CheckReady(directory, binding with { Address = address.ToString() }).Ready;
            });
        }
        catch (Exception ex) when (ex is PciException or FormatException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private async Task BindOneAsync(string directory, DriverBinding binding, CancellationToken cancellationToken)
    {
        var address = binding.Address;
        var started = _time.GetTimestamp();

        // Read again: an earlier binding of this request (or another caller) may have changed it meanwhile.
        var currentDriver = SysfsFiles.DriverOf(directory);
        if (currentDriver == binding.Driver)
        {
            return;
        }

        PciLog.Binding(_logger, address, currentDriver, binding.Driver);

        if (_options.UseDriverOverride)
        {
            // vfio-pci matches no device ID by itself; the override makes it accept this function. Going back to a
            // kernel driver, the override is cleared first so that the driver's own ID table decides again.
            var overridePath = Path.Combine(directory, "driver_override");
            SysfsFiles.Write(overridePath, binding.IsVfio ? binding.Driver : "\n");
        }

        if (currentDriver is not null)
        {
            var unbindPath = Path.Combine(directory, "driver", "unbind");
            try
            {
                SysfsFiles.Write(unbindPath, address);
            }
            catch (PciException e)
            {
                throw new PciException($"failed to unbind {address} from {currentDriver}: {e.Message}", e);
            }

            await WaitAsync(
                started,
                () => SysfsFiles.DriverOf(directory) is not { } driver
                    ? (true, string.Empty)
                    : (false, $"driver link is still {driver}"),
                $"unbinding {address} from {currentDriver}",
                cancellationToken).ConfigureAwait(false);
        }

        var bindPath = Path.Combine(_options.DriversPath, binding.Driver, "bind");
        string? writeError = null;
        try
        {
            SysfsFiles.Write(bindPath, address);
        }
        catch (PciException e)
        {
            // Upstream ignores the result of this write: some drivers report an error and still bind.
            writeError = e.Message;
            PciLog.BindWriteFailed(_logger, address, bindPath, e.Message);
        }

        await WaitAsync(
            started,
            () =>
            {
                var (ready, seen) = CheckReady(directory, binding);
                return (ready, writeError is null ? seen : $"{seen} (the bind write failed: {writeError})");
            },
            $"binding {address} to {binding.Driver}",
            cancellationToken).ConfigureAwait(false);
        PciLog.Bound(_logger, address, binding.Driver);
    }

    private (bool Ready, string Seen) CheckReady(string directory, DriverBinding binding)
    {
        var driver = SysfsFiles.DriverOf(directory);
        var driverText = driver is null ? "driver link is absent" : $"driver link is {driver}";
        if (binding.IsVfio)
        {
            var group = IommuGroupOf(PciAddress.Parse(binding.Address), directory);
            var node = Path.Combine(_options.VfioPath, group.ToString(CultureInfo.InvariantCulture));
            var exists = File.Exists(node);
            return (driver == binding.Driver && exists, $"{driverText}, {node} {(exists ? "exists" : "does not exist")}");
        }

        var names = SysfsFiles.NetInterfacesOf(directory);
        var netText = names.Count == 0
            ? "net/ has no interface"
            : $"net/ has {names.Count} interface(s): {string.Join(", ", names)}";
        return (driver == binding.Driver && names.Count == 1, $"{driverText}, {netText}");
    }

    private async Task WaitAsync(long started, Func<(bool Ready, string Seen)> check, string what, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (ready, seen) = check();
            if (ready)
            {
                return;
            }

            if (_time.GetElapsedTime(started) >= _options.BindTimeout)
            {
                throw new PciException($"{what} timed out after {FormatDuration(_options.BindTimeout)}: {seen}");
            }

            await Task.Delay(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }
}
