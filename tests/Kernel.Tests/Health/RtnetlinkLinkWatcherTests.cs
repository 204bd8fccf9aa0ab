using SriovForwarder.Kernel.Health;
using SriovForwarder.TestSupport.Namespaces;
using SriovForwarder.TestSupport.Root;

namespace SriovForwarder.Kernel.Tests.Health;

/// <summary>
/// The rtnetlink link watcher against a real veth pair in its own network namespace: the watch starts with the links'
/// state and hears carrier loss, carrier back and removal as the kernel announces them.
/// </summary>
public sealed class RtnetlinkLinkWatcherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [RootFact("creates a network namespace and a veth pair")]
    public async Task Watch_PeerOfAVethSetDownAndUp_AnnouncesCarrierLostAndBack()
    {
        using var ns = new ClientNamespace();
        IpCommand.Run("-n", ns.Name, "link", "add", "hw0", "type", "veth", "peer", "name", "hw1");
        IpCommand.Run("-n", ns.Name, "link", "set", "hw0", "up");
        IpCommand.Run("-n", ns.Name, "link", "set", "hw1", "up");
        using var cts = new CancellationTokenSource(Patience * 3);
        await using var links = new RtnetlinkLinkWatcher().WatchAsync(ns.Path, cts.Token).GetAsyncEnumerator(cts.Token);

        var up = await NextAsync(links, l => l.Name == "hw0" && l.IsUsable);
        IpCommand.Run("-n", ns.Name, "link", "set", "hw1", "down");
        var lost = await NextAsync(links, l => l.Name == "hw0" && !l.Carrier);
        IpCommand.Run("-n", ns.Name, "link", "set", "hw1", "up");
        var back = await NextAsync(links, l => l.Name == "hw0" && l.Carrier);

        Assert.Null(up.Fault);
        Assert.True(lost.AdminUp);
        Assert.Equal("lowerlayerdown", lost.OperState);
        Assert.Equal("netdev hw0 has no carrier (operstate lowerlayerdown)", lost.Fault);
        Assert.True(back.IsUsable);
        Assert.Equal(up.Index, back.Index);
    }

    [RootFact("creates a network namespace and a veth pair")]
    public async Task Watch_LinkSetDownThenDeleted_AnnouncesAdminDownThenRemoval()
    {
        using var ns = new ClientNamespace();
        IpCommand.Run("-n", ns.Name, "link", "add", "hw0", "type", "veth", "peer", "name", "hw1");
        IpCommand.Run("-n", ns.Name, "link", "set", "hw0", "up");
        using var cts = new CancellationTokenSource(Patience * 3);
        await using var links = new RtnetlinkLinkWatcher().WatchAsync(ns.Path, cts.Token).GetAsyncEnumerator(cts.Token);
        await NextAsync(links, l => l.Name == "hw0" && l.AdminUp);

        IpCommand.Run("-n", ns.Name, "link", "set", "hw0", "down");
        var down = await NextAsync(links, l => l.Name == "hw0" && !l.AdminUp);
        IpCommand.Run("-n", ns.Name, "link", "del", "hw0");
        var removed = await NextAsync(links, l => l.Name == "hw0" && l.Removed);

        Assert.Equal("netdev hw0 is administratively down", down.Fault);
        Assert.Equal("netdev hw0 is gone", removed.Fault);
    }

    [Fact]
    public async Task Watch_NamespaceFileMissing_FailsNamingIt()
    {
        var watch = new RtnetlinkLinkWatcher().WatchAsync("/var/run/netns/no-such-namespace-health", CancellationToken.None);

        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await watch.GetAsyncEnumerator().MoveNextAsync());

        Assert.Contains("no-such-namespace-health", error.Message, StringComparison.Ordinal);
    }

    private static async Task<LinkState> NextAsync(IAsyncEnumerator<LinkState> links, Func<LinkState, bool> match)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (await links.MoveNextAsync().AsTask().WaitAsync(timeout.Token))
        {
            if (match(links.Current))
            {
                return links.Current;
            }
        }

        throw new InvalidOperationException("the watch ended before the expected link state");
    }
}
