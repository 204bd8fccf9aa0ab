using System.Globalization;

namespace SriovForwarder.Kernel.Simulation;

/// <summary>
/// Parses the compact CLI form of a <see cref="SimulatedNodeSpec"/>: comma-separated <c>key=value</c> pairs, all
/// applied to every PF. Keys: <c>pfs</c> (1..32, default 2), <c>vfs</c> (sriov_totalvfs, 0..248, default 8),
/// <c>numvfs</c> (VFs enabled at build, default 0), <c>pf-driver</c> (default ice), <c>vf-driver</c> (default iavf),
/// <c>numa</c> (default 0), <c>vfs-per-group</c> (default 1), <c>pf-in-group</c> (true|false, default false),
/// <c>vfio-ids</c> (true|false: vfio-pci binds without driver_override, default false),
/// <c>capabilities</c> and <c>domains</c> ('+'-separated lists). Example: <c>pfs=2,vfs=16,capabilities=intel+25G</c>.
/// An empty text gives <see cref="SimulatedNodeSpec.Default"/>.
/// </summary>
public static class SimulatedNodeSpecParser
{
    private static readonly string[] Keys =
        ["pfs", "vfs", "numvfs", "pf-driver", "vf-driver", "numa", "vfs-per-group", "pf-in-group", "vfio-ids", "capabilities", "domains"];

    /// <summary>Parses and validates; throws <see cref="FormatException"/> naming the key and the value.</summary>
    public static SimulatedNodeSpec Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return SimulatedNodeSpec.Default;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw Error(text, $"\"{part}\" is not a key=value pair");
            }

            var key = part[..equals].Trim().ToLowerInvariant();
            if (!Keys.Contains(key))
            {
                throw Error(text, $"unknown key \"{key}\" (known: {string.Join(", ", Keys)})");
            }

            if (!values.TryAdd(key, part[(equals + 1)..].Trim()))
            {
                throw Error(text, $"key \"{key}\" is given twice");
            }
        }

        var template = new SimulatedPhysicalFunctionSpec();
        var pfCount = Int(text, values, "pfs", 2, 1, 32);
        var pfs = new List<SimulatedPhysicalFunctionSpec>(pfCount);
        for (var i = 0; i < pfCount; i++)
        {
            var defaults = SimulatedNodeSpec.Default.PhysicalFunctions[Math.Min(i, SimulatedNodeSpec.Default.PhysicalFunctions.Count - 1)];
            var total = Int(text, values, "vfs", template.TotalVfs, 0, SimulatedPhysicalFunctionSpec.MaxTotalVfs);
            pfs.Add(new SimulatedPhysicalFunctionSpec
            {
                TotalVfs = total,
                InitialVfs = Int(text, values, "numvfs", 0, 0, total),
                PfDriver = Text(values, "pf-driver", template.PfDriver),
                VfDriver = Text(values, "vf-driver", template.VfDriver),
                NumaNode = Int(text, values, "numa", 0, -1, 1023),
                VfsPerIommuGroup = Int(text, values, "vfs-per-group", 1, 1, SimulatedPhysicalFunctionSpec.MaxTotalVfs),
                PfSharesIommuGroup = Bool(text, values, "pf-in-group"),
                Capabilities = List(text, values, "capabilities") ?? defaults.Capabilities,
                ServiceDomains = List(text, values, "domains") ?? defaults.ServiceDomains,
            });
        }

        var spec = new SimulatedNodeSpec { PhysicalFunctions = pfs, VfioPciAcceptsDeviceIds = Bool(text, values, "vfio-ids") };
        try
        {
            spec.Validate();
        }
        catch (ArgumentException e)
        {
            throw Error(text, e.Message);
        }

        return spec;
    }

    private static int Int(string text, Dictionary<string, string> values, string key, int fallback, int min, int max)
    {
        if (!values.TryGetValue(key, out var raw))
        {
            return fallback;
        }

        return int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw Error(text, $"\"{key}\" must be an integer from {min} to {max}, got \"{raw}\"");
    }

    private static bool Bool(string text, Dictionary<string, string> values, string key) =>
        !values.TryGetValue(key, out var raw) ? false
        : bool.TryParse(raw, out var value) ? value
        : throw Error(text, $"\"{key}\" must be true or false, got \"{raw}\"");

    private static string Text(Dictionary<string, string> values, string key, string fallback) =>
        values.TryGetValue(key, out var raw) ? raw : fallback;

    private static string[]? List(string text, Dictionary<string, string> values, string key)
    {
        if (!values.TryGetValue(key, out var raw))
        {
            return null;
        }

        var items = raw.Split('+', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return items.Length > 0 ? items : throw Error(text, $"\"{key}\" needs at least one '+'-separated value");
    }

    private static FormatException Error(string text, string problem) =>
        new($"invalid simulated node spec \"{text}\": {problem}");
}
