using System.Security.Cryptography;
using System.Text.Json;

namespace SriovForwarder.Kernel.Simulation;

/// <summary>
/// The network namespace the demo's client verb (<c>sriov-forwarder connect</c>) makes to play a pod's: a named
/// namespace (<c>ip netns add sriov-demo-…</c>, so <c>ip -n NAME ...</c> can look inside), deleted on dispose.
/// </summary>
public sealed class DemoClientNamespace : IDisposable
{
    private DemoClientNamespace(string name) => Name = name;

    /// <summary>The namespace's name (under <c>/var/run/netns</c>).</summary>
    public string Name { get; }

    /// <summary>The namespace file.</summary>
    public string Path => "/var/run/netns/" + Name;

    /// <summary>The <c>file://</c> URL a KERNEL Request names it by.</summary>
    public string FileUrl => "file://" + Path;

    /// <summary>Makes a fresh namespace; fails with <c>ip</c>'s message (e.g. not root).</summary>
    public static DemoClientNamespace Create()
    {
        var name = "sriov-demo-" + RandomNumberGenerator.GetHexString(6, lowercase: true);
        var (exitCode, _, error) = IpCommand.Run(["netns", "add", name]);
        return exitCode == 0 ? new DemoClientNamespace(name) : throw new InvalidOperationException($"ip netns add {name}: {error}");
    }

    /// <summary>The addresses (<c>addr/prefix</c>, global scope) of <paramref name="interfaceName"/> inside, as <c>ip</c> shows them; empty when it is not there.</summary>
    public IReadOnlyList<string> Addresses(string interfaceName)
    {
        var (exitCode, output, _) = IpCommand.Run(["-n", Name, "-j", "addr", "show", "dev", interfaceName]);
        if (exitCode != 0 || output.Trim().Length == 0)
        {
            return [];
        }

        using var document = JsonDocument.Parse(output);
        return [.. document.RootElement.EnumerateArray()
            .SelectMany(link => link.GetProperty("addr_info").EnumerateArray())
            .Where(a => a.GetProperty("scope").GetString() == "global")
            .Select(a => $"{a.GetProperty("local").GetString()}/{a.GetProperty("prefixlen").GetInt32()}")];
    }

    /// <summary>Deletes the namespace (a VF netdev still inside goes back to the host namespace, as the kernel does).</summary>
    public void Dispose() => IpCommand.Run(["netns", "del", Name]);
}
