using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace SriovForwarder.Kernel.Health;

/// <summary>
/// Watches links through an rtnetlink socket bound to RTMGRP_LINK in the given namespace: one dedicated reader thread
/// per watch (a blocking receive with a short timeout, so cancellation ends it), states handed over through a channel.
/// </summary>
public sealed class RtnetlinkLinkWatcher : ILinkStateWatcher
{
    /// <summary>How long one receive waits before the reader looks at cancellation again.</summary>
    public static readonly TimeSpan ReceiveTimeout = TimeSpan.FromMilliseconds(200);

    /// <inheritdoc />
    public async IAsyncEnumerable<LinkState> WatchAsync(string? namespacePath, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Opened here, not on the reader thread, so a bad namespace fails the caller at once.
        var socket = LinkEventSocket.Open(namespacePath, ReceiveTimeout);
        var channel = Channel.CreateUnbounded<LinkState>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var reader = new Thread(() => Read(socket, channel.Writer, cancellationToken))
        {
            IsBackground = true,
            Name = "link-events",
        };
        try
        {
            socket.RequestDump();
            reader.Start();
            await foreach (var link in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return link;
            }
        }
        finally
        {
            if (reader.IsAlive)
            {
                // The reader ends within one receive timeout once the token is cancelled or the consumer stopped.
                reader.Join(ReceiveTimeout * 5);
            }

            socket.Dispose();
        }
    }

    private static void Read(LinkEventSocket socket, ChannelWriter<LinkState> writer, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    socket.Receive(link => writer.TryWrite(link));
                }
                catch (LinkEventsLostException)
                {
                    socket.RequestDump();
                }
            }

            writer.TryComplete();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            writer.TryComplete(e);
        }
    }
}
