using System.Text.RegularExpressions;

namespace SriovForwarder.Security.Authorization;

/// <summary>
/// Maps the entries of <c>NSM_REGISTRY_CLIENT_POLICIES</c> to the built-in policies (decision 023). Upstream loads an
/// entry naming an existing file as a rego policy, and otherwise treats it as a regular expression anchored at both
/// ends, matched against the embedded policies (<c>etc/nsm/opa/...</c>) and against files under the entry's folder on
/// disk. We evaluate no rego: a file on disk (named or matched) is refused, and so is an entry that matches no
/// built-in policy, rather than silently checking less than the operator asked for.
/// </summary>
public static class RegistryClientPolicyMapping
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The policies the entries select, in built-in order without repeats, or the problems (each naming the setting,
    /// the entry and the file where one is involved). <paramref name="workingDirectory"/> resolves relative entries, as
    /// upstream's process would.
    /// </summary>
    public static (PolicySet? Policies, IReadOnlyList<string> Problems) Map(IEnumerable<string> entries, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var selected = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var entry in entries.Where(e => e.Length > 0))
        {
            var onDisk = Path.Combine(workingDirectory, entry);
            if (File.Exists(onDisk))
            {
                problems.Add($"NSM_REGISTRY_CLIENT_POLICIES: \"{entry}\" names the policy file {Path.GetFullPath(onDisk)}; custom rego policies cannot be evaluated by this forwarder (only upstream's built-in policies, selected by the etc/nsm/opa/... masks)");
                continue;
            }

            Regex mask;
            try
            {
                mask = new Regex("^(?:" + entry + ")$", RegexOptions.CultureInvariant, MatchTimeout);
            }
            catch (ArgumentException ex)
            {
                problems.Add($"NSM_REGISTRY_CLIENT_POLICIES: \"{entry}\" is neither a file nor a valid regular expression: {ex.Message}");
                continue;
            }

            var diskMatches = FilesUnder(Path.Combine(workingDirectory, Path.GetDirectoryName(entry) ?? ""))
                .Where(f => mask.IsMatch(Path.GetRelativePath(workingDirectory, f)) || mask.IsMatch(f))
                .ToList();
            if (diskMatches.Count > 0)
            {
                problems.Add($"NSM_REGISTRY_CLIENT_POLICIES: \"{entry}\" matches the policy file {diskMatches[0]}{(diskMatches.Count > 1 ? $" and {diskMatches.Count - 1} more" : "")}; custom rego policies cannot be evaluated by this forwarder (only upstream's built-in policies, selected by the etc/nsm/opa/... masks)");
                continue;
            }

            var builtIns = BuiltInPolicies.ByPath.Where(p => mask.IsMatch(p.Key)).ToList();
            if (builtIns.Count == 0)
            {
                problems.Add($"NSM_REGISTRY_CLIENT_POLICIES: \"{entry}\" matches no policy file and none of the built-in policies ({string.Join(", ", BuiltInPolicies.ByPath.Select(p => p.Key))})");
                continue;
            }

            selected.UnionWith(builtIns.Select(p => p.Key));
        }

        return problems.Count > 0
            ? (null, problems)
            : (new PolicySet([.. BuiltInPolicies.ByPath.Where(p => selected.Contains(p.Key)).Select(p => p.Value)]), problems);
    }

    private static IEnumerable<string> FilesUnder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        try
        {
            return Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }).ToList();
        }
        catch (IOException)
        {
            return [];
        }
    }
}
