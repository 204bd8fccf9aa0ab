using System.Globalization;
using System.Text;

namespace SriovForwarder.Benchmarks.Startup;

/// <summary>
/// The resident size of each mapping of a process from <c>/proc/PID/smaps</c>, summed per file (assemblies, native libraries)
/// and per kind of anonymous mapping: which assemblies are loaded at idle and what each costs (decision 048).
/// </summary>
public static class MappedFiles
{
    /// <summary>The <paramref name="top"/> largest mappings by resident size, and the count and total of the mapped managed assemblies.</summary>
    public static string Describe(int pid, int top)
    {
        var rssKib = new Dictionary<string, long>(StringComparer.Ordinal);
        var current = "[anonymous]";
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 5 && fields[0].Contains('-', StringComparison.Ordinal) && !fields[0].EndsWith(':'))
            {
                // A mapping's header: address range, permissions, offset, device, inode, [path].
                current = fields.Length == 6 ? fields[5].Trim() : "[anonymous]";
            }
            else if (line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                rssKib[current] = rssKib.GetValueOrDefault(current) + long.Parse(fields[1], CultureInfo.InvariantCulture);
            }
        }

        var assemblies = rssKib.Where(m => m.Key.EndsWith(".dll", StringComparison.Ordinal)).ToList();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"  mapped at idle: {assemblies.Count} managed assemblies, {assemblies.Sum(a => a.Value) / 1024.0:F1} MiB resident; largest mappings:");
        foreach (var (path, kib) in rssKib.OrderByDescending(m => m.Value).Take(top))
        {
            text.AppendLine();
            text.Append(CultureInfo.InvariantCulture, $"    {kib / 1024.0,7:F2} MiB  {path}");
        }

        text.AppendLine();
        text.Append("  managed assemblies mapped: ");
        text.AppendJoin(", ", assemblies.OrderByDescending(a => a.Value).Select(a => string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileNameWithoutExtension(a.Key)} {a.Value / 1024.0:F1}")));
        return text.ToString();
    }
}
