using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Netlink;

namespace SriovForwarder.Kernel.Simulation;

/// <summary>
/// Backs simulated netdevs with real veth pairs: the host end carries the function's netdev name; its peer and the
/// ends of functions not bound to a kernel driver live in a private network namespace named after the owner pid.
/// A node kept in a folder (not a temporary one) outlives its process like hardware does: its namespace and veths stay
/// after a stop or a kill, so a VF netdev moved into a client namespace is still there when the forwarder restarts;
/// the next process on the folder adopts the namespace. The folder is written as the alias of the namespace's
/// <c>lo</c>, so a kept namespace is removed as stale only once its folder no longer holds the node.
/// </summary>
internal sealed partial class SimulatedNetdevs : IDisposable
{
    private const string NamespacePrefix = "sriovsim-";

    private readonly ILogger _logger;
    private readonly string _tag;
    private readonly string? _keptRoot;
    private readonly string _hostPid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
    private NetworkNamespace? _hostNamespace;
    private NetworkNamespace? _privateNamespace;
    private RouteNetlink? _host;
    private RouteNetlink? _private;

    /// <param name="tag">The node's tag.</param>
    /// <param name="keptRoot">The node's folder when the node outlives the process; null for a temporary node.</param>
    /// <param name="logger">Where set-up problems go.</param>
    public SimulatedNetdevs(string tag, string? keptRoot, ILogger logger)
    {
        _logger = logger;
        _tag = tag;
        _keptRoot = keptRoot;
        Namespace = string.Create(CultureInfo.InvariantCulture, $"{NamespacePrefix}{tag}-{Environment.ProcessId}");
    }

    /// <summary>The private namespace holding veth peers and the netdevs of functions away from their kernel driver.</summary>
    public string Namespace { get; }

    /// <summary>
    /// Deletes simulation namespaces whose owner process is gone, their veths with them, except those of
    /// <paramref name="adoptingTag"/> (about to be adopted) and kept nodes whose folder still holds them.
    /// </summary>
    public static void RemoveStale(ILogger logger, string? adoptingTag = null)
    {
        foreach (var name in IpCommand.NamespaceNames())
        {
            var match = OwnedNamespace().Match(name);
            if (!match.Success || Directory.Exists($"/proc/{match.Groups[2].Value}") || match.Groups[1].Value == adoptingTag)
            {
                continue;
            }

            if (KeptRoot(name) is { } root && SimulationState.TryLoad(root)?.Tag == match.Groups[1].Value)
            {
                continue;
            }

            var (exit, _, error) = IpCommand.Run(["netns", "del", name]);
            SimulationLog.StaleNamespaceRemoved(logger, name, exit == 0 ? "removed" : error);
        }
    }

    /// <summary>
    /// Fails when another live process runs the node with <paramref name="tag"/> (its namespace names that process), after
    /// waiting up to <paramref name="exitWait"/> for it to end: a forwarder stopped just before this start may still be exiting.
    /// </summary>
    public static void EnsureNotInUse(string tag, TimeSpan exitWait)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (LiveOwner(tag) is var (owner, name))
        {
            if (waited.Elapsed >= exitWait)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"the simulated node {tag} is in use by process {owner} (namespace {name}), still running after {waited.Elapsed.TotalSeconds:F0} s; stop that process or use another folder"));
            }

            Thread.Sleep(100);
        }
    }

    /// <summary>The private namespace of the live process (another than this one) running the node with <paramref name="tag"/>, or null.</summary>
    public static string? OwnerNamespace(string tag) => LiveOwner(tag)?.Namespace;

    private static (string Owner, string Namespace)? LiveOwner(string tag)
    {
        foreach (var name in IpCommand.NamespaceNames())
        {
            var match = OwnedNamespace().Match(name);
            var owner = match.Groups[2].Value;
            if (match.Success && match.Groups[1].Value == tag && owner != Environment.ProcessId.ToString(CultureInfo.InvariantCulture)
                && IsRunning(owner))
            {
                return (owner, name);
            }
        }

        return null;
    }

    // A process that has exited but not been reaped by its parent yet (a zombie) still has /proc/<pid> but holds nothing.
    private static bool IsRunning(string pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat.AsSpan(stat.LastIndexOf(')') + 1).TrimStart();
            return state.Length > 0 && state[0] != 'Z';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>True when a live netdev or namespace already carries the tag (another simulated node on this host).</summary>
    public static bool TagInUse(string tag) =>
        IpCommand.LinkNames(null).Any(n => n.StartsWith("sv" + tag, StringComparison.Ordinal))
        || IpCommand.NamespaceNames().Any(n => n.StartsWith(NamespacePrefix + tag + "-", StringComparison.Ordinal));

    public void Start()
    {
        AdoptEarlierNamespace();
        if (!IpCommand.NamespaceNames().Contains(Namespace))
        {
            var (exit, _, error) = IpCommand.Run(["netns", "add", Namespace]);
            if (exit != 0)
            {
                throw new InvalidOperationException($"ip netns add {Namespace} failed: {error}");
            }

            if (_keptRoot is not null)
            {
                Report(IpCommand.Batch(Namespace, [$"link set dev lo alias {_keptRoot}"]), Namespace);
            }
        }

        // Moves on bind/unbind go through our rtnetlink (a few hundred microseconds); ip stays the fallback.
        try
        {
            _hostNamespace = NetworkNamespace.OpenHost();
            _privateNamespace = NetworkNamespace.Open("/var/run/netns/" + Namespace);
            _host = RouteNetlink.Open();
            _private = RouteNetlink.OpenIn(_privateNamespace);
        }
        catch (Exception e) when (e is NetlinkException or NetworkNamespaceException or IOException)
        {
            SimulationLog.IpFailed(_logger, "netlink set-up (falling back to ip)", e.Message);
            DisposeNetlink();
        }
    }

    public void Dispose() => DisposeNetlink();

    /// <summary>Creates missing veth pairs and puts each netdev where its binding says, in two batched ip runs.</summary>
    public void Ensure(IEnumerable<(string Name, bool InHost)> netdevs)
    {
        var host = IpCommand.LinkNames(null);
        var hidden = IpCommand.LinkNames(Namespace);
        var hostCommands = new List<string>();
        var hiddenCommands = new List<string>();
        foreach (var (name, inHost) in netdevs)
        {
            if (host.Contains(name))
            {
                if (!inHost)
                {
                    hostCommands.Add($"link set dev {name} netns {Namespace}");
                }
            }
            else if (hidden.Contains(name))
            {
                if (inHost)
                {
                    hiddenCommands.Add($"link set dev {name} netns {_hostPid}");
                }
            }
            else if (hidden.Contains("p" + name))
            {
                // The peer is here, so the netdev lives on in another namespace (a client's, moved by a KERNEL
                // connection before a restart); the forwarder moves it back on Close.
                SimulationLog.NetdevElsewhere(_logger, name);
            }
            else
            {
                hostCommands.Add($"link add {name} type veth peer name p{name} netns {Namespace}");
                if (!inHost)
                {
                    hostCommands.Add($"link set dev {name} netns {Namespace}");
                }
            }
        }

        Report(IpCommand.Batch(null, hostCommands), "host");
        Report(IpCommand.Batch(Namespace, hiddenCommands), Namespace);
    }

    /// <summary>
    /// Sets both ends of the PF veths up, so the PF netdevs have carrier as a cabled port would; setting either end down
    /// (<c>ip link set ... down</c>) then drops the PF's carrier for real, which the forwarder's link watcher hears.
    /// </summary>
    public void BringUp(IReadOnlyCollection<string> names)
    {
        Report(IpCommand.Batch(Namespace, names.Select(n => $"link set dev p{n} up").ToList()), Namespace);
        Report(IpCommand.Batch(null, names.Select(n => $"link set dev {n} up").ToList()), "host");
    }

    public void MoveToHost(string name)
    {
        if (!TryMove(_private, name, _hostNamespace))
        {
            Report(IpCommand.Batch(Namespace, [$"link set dev {name} netns {_hostPid}"]), Namespace);
        }
    }

    public void MoveToPrivate(string name)
    {
        if (!TryMove(_host, name, _privateNamespace))
        {
            Report(IpCommand.Batch(null, [$"link set dev {name} netns {Namespace}"]), "host");
        }
    }

    /// <summary>Deletes veth pairs through their peers, which always stay in the private namespace.</summary>
    public void Delete(IReadOnlyCollection<string> names) =>
        Report(IpCommand.Batch(Namespace, names.Select(n => $"link del dev p{n}").ToList()), Namespace);

    /// <summary>Deletes the private namespace (and with it every veth pair) and any host end that survived.</summary>
    /// <summary>Removes the namespace and every veth of a temporary node; a kept node's stay, as hardware would.</summary>
    public void Remove(string tag)
    {
        DisposeNetlink();
        if (_keptRoot is not null)
        {
            return;
        }

        _ = IpCommand.Run(["netns", "del", Namespace]);
        RemoveStale(_logger);
        var leftovers = IpCommand.LinkNames(null).Where(n => n.StartsWith("sv" + tag, StringComparison.Ordinal)).ToList();
        _ = IpCommand.Batch(null, leftovers.Select(n => $"link del dev {n}").ToList());
    }

    // A namespace left by an earlier (dead: EnsureNotInUse ran first) process on the same node gets this process's name (a bind mount of the same
    // namespace file, like ip netns attach), so its veths, including any in client namespaces, carry on.
    private void AdoptEarlierNamespace()
    {
        foreach (var name in IpCommand.NamespaceNames())
        {
            var match = OwnedNamespace().Match(name);
            if (!match.Success || match.Groups[1].Value != _tag || name == Namespace)
            {
                continue;
            }

            NamespaceFiles.Rename(name, Namespace);
            SimulationLog.NamespaceAdopted(_logger, name, Namespace);
        }
    }

    private static string? KeptRoot(string netns)
    {
        var (exit, output, _) = IpCommand.Run(["-n", netns, "-j", "link", "show", "dev", "lo"]);
        if (exit != 0)
        {
            return null;
        }

        using var document = System.Text.Json.JsonDocument.Parse(output);
        return document.RootElement.EnumerateArray().FirstOrDefault().TryGetProperty("ifalias", out var alias) ? alias.GetString() : null;
    }

    private bool TryMove(RouteNetlink? from, string name, NetworkNamespace? to)
    {
        if (from is null || to is null)
        {
            return false;
        }

        try
        {
            from.MoveToNamespace(name, to);
        }
        catch (NetlinkException e)
        {
            // Not where we expected (e.g. moved into a client namespace by the KERNEL mechanism): nothing to move.
            SimulationLog.IpFailed(_logger, from.Namespace, e.Message);
        }

        return true;
    }

    private void DisposeNetlink()
    {
        _host?.Dispose();
        _private?.Dispose();
        _hostNamespace?.Dispose();
        _privateNamespace?.Dispose();
        (_host, _private, _hostNamespace, _privateNamespace) = (null, null, null, null);
    }

    private void Report((int ExitCode, string Error) result, string where)
    {
        if (result.ExitCode != 0)
        {
            SimulationLog.IpFailed(_logger, where, result.Error);
        }
    }

    [GeneratedRegex("^sriovsim-([0-9a-f]{4})-([0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex OwnedNamespace();
}
