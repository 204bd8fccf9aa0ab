using System.Text;

namespace SriovForwarder.Kernel.Cgroups;

/// <summary>Reads <c>devices.list</c> and writes one rule to <c>devices.allow</c> or <c>devices.deny</c> of a cgroup.</summary>
internal static class CgroupFiles
{
    internal const string AllowFile = "devices.allow";
    internal const string DenyFile = "devices.deny";

    internal static IReadOnlyList<DeviceRule> ReadRules(string cgroupDir)
    {
        var path = Path.Combine(cgroupDir, CgroupMatcher.ListFile);
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new DeviceCgroupException($"cannot read {path}: {error.Message}", error);
        }

        var rules = new List<DeviceRule>(lines.Length);
        foreach (var line in lines.Where(l => l.Length > 0))
        {
            rules.Add(DeviceRule.TryParse(line, out var rule)
                ? rule
                : throw new DeviceCgroupException($"cannot read {path}: invalid device string: {line}"));
        }

        return rules;
    }

    /// <summary>Writes the rule and a newline with a single write(2), since the kernel takes one rule per write.</summary>
    internal static void WriteRule(string cgroupDir, string fileName, DeviceRule rule)
    {
        var path = Path.Combine(cgroupDir, fileName);
        var bytes = Encoding.ASCII.GetBytes(rule + "\n");
        try
        {
            // FileMode.Open: the file must exist (it always does in a v1 devices cgroup) and is not truncated.
            // No buffering, so the bytes leave in one write(2); RandomAccess would refuse a FIFO (the test stand-in).
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            stream.Write(bytes);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new DeviceCgroupException($"writing \"{rule}\" to {path} failed: {error.Message}", error);
        }
    }
}
