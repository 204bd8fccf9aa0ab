using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Kernel.Health;

namespace SriovForwarder.Grains.Health;

/// <summary>
/// Passes what the link watcher hears of a node's PF netdevs to its node grain: once for every PF netdev at start (the
/// watch begins with the state of every link), then each change of a PF netdev's fault, and nothing about other links.
/// </summary>
public sealed class LinkHealthForwarder(ILinkStateWatcher watcher)
{
    /// <summary>Watches <paramref name="namespacePath"/> (null: the process's namespace, where the host's PF netdevs are) until cancelled.</summary>
    public async Task RunAsync(INodeGrain node, string? namespacePath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        var netdevs = (await node.GetPhysicalFunctionNetdevsAsync()).ToHashSet(StringComparer.Ordinal);
        var told = new Dictionary<string, string?>(StringComparer.Ordinal);
        await foreach (var link in watcher.WatchAsync(namespacePath, cancellationToken))
        {
            if (!netdevs.Contains(link.Name))
            {
                continue;
            }

            // A netdev moved away looks like a removal here; the sysfs pass still sees the PF, so "gone" is the link's view only.
            var fault = link.Fault;
            if (told.TryGetValue(link.Name, out var last) && string.Equals(last, fault, StringComparison.Ordinal))
            {
                continue;
            }

            told[link.Name] = fault;
            await node.ReportLinksAsync([new LinkReport(link.Name, fault)]);
        }
    }
}
