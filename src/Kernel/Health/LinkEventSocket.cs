using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Native;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Netlink.Wire;

namespace SriovForwarder.Kernel.Health;

/// <summary>
/// A NETLINK_ROUTE socket bound to the RTMGRP_LINK multicast group of one namespace, with a receive timeout so its
/// reader can notice cancellation; it can also ask for a dump of every link on the same socket (replies and
/// announcements then arrive in one ordered stream, so no change falls between the dump and the subscription).
/// </summary>
internal sealed class LinkEventSocket : IDisposable
{
    private const int HeaderSize = 16;
    private readonly SafeSocketHandle _handle;
    private readonly int _fd;
    private readonly byte[] _receive = new byte[64 * 1024];
    private uint _sequence = (uint)Environment.TickCount;

    private LinkEventSocket(int fd)
    {
        _fd = fd;
        _handle = new SafeSocketHandle(fd, ownsHandle: true);
    }

    /// <summary>The namespace the socket listens in, for error messages.</summary>
    public string Namespace { get; private init; } = "host";

    /// <summary>Opens the socket in <paramref name="namespacePath"/> (null: the calling process's namespace) and joins the link group.</summary>
    public static unsafe LinkEventSocket Open(string? namespacePath, TimeSpan receiveTimeout)
    {
        int fd;
        if (namespacePath is null)
        {
            fd = CreateFd();
        }
        else
        {
            using var target = NetworkNamespace.Open(namespacePath);
            fd = NamespaceThread.Run(target, CreateFd);
        }

        var socket = new LinkEventSocket(fd) { Namespace = namespacePath ?? "host" };
        try
        {
            var address = new LibC.SockAddrNetlink { Family = LibC.AfNetlink, Groups = LibC.RtmGrpLink };
            Check(LibC.Bind(fd, &address, sizeof(LibC.SockAddrNetlink)), "bind(RTMGRP_LINK)", socket.Namespace);
            // A burst of changes (many VFs created at once) must not overrun the default buffer.
            var buffer = 1 << 20;
            _ = LibC.SetSockOpt(fd, LibC.SolSocket, LibC.SoRcvBuf, &buffer, sizeof(int));
            var timeout = new LibC.TimeVal { Seconds = (long)receiveTimeout.TotalSeconds, Microseconds = receiveTimeout.Milliseconds * 1000L };
            Check(LibC.SetSockOptTimeval(fd, LibC.SolSocket, LibC.SoRcvTimeo, &timeout, sizeof(LibC.TimeVal)), "setsockopt(SO_RCVTIMEO)", socket.Namespace);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Asks for every link (RTM_GETLINK dump); the replies arrive through <see cref="Receive"/>.</summary>
    public unsafe void RequestDump()
    {
        var writer = new NetlinkMessageWriter();
        writer.Begin(NetlinkConstants.RtmGetLink, NetlinkConstants.NlmFRequest | NetlinkConstants.NlmFDump, ++_sequence);
        writer.Write(new IfInfoMsg());
        var message = writer.Finish();
        fixed (byte* pointer = message)
        {
            if (LibC.Send(Fd, pointer, message.Length, 0) < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new IOException($"RTM_GETLINK dump in netns {Namespace}: send failed: {Errno.Name(errno)} ({Errno.Describe(errno)})");
            }
        }
    }

    /// <summary>
    /// Waits up to the receive timeout for one datagram and hands each link message in it to <paramref name="onLink"/>.
    /// Returns false when nothing came; <see cref="LinkEventsLostException"/> when the kernel dropped announcements.
    /// </summary>
    public unsafe bool Receive(Action<LinkState> onLink)
    {
        nint length;
        fixed (byte* pointer = _receive)
        {
            length = LibC.Recv(Fd, pointer, _receive.Length, 0);
        }

        if (length < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno switch
            {
                LibC.EAgain or LibC.EIntr => false,
                LibC.ENoBufs => throw new LinkEventsLostException(Namespace),
                _ => throw new IOException($"netlink link events in netns {Namespace}: receive failed: {Errno.Name(errno)} ({Errno.Describe(errno)})"),
            };
        }

        var data = _receive.AsSpan(0, (int)length);
        while (data.Length >= HeaderSize)
        {
            var header = MemoryMarshal.Read<NlMsgHdr>(data);
            if (header.Length < HeaderSize || header.Length > data.Length)
            {
                break;
            }

            if (header.Type is NetlinkConstants.RtmNewLink or NetlinkConstants.RtmDelLink
                && LinkMessage.Parse(header.Type, data[HeaderSize..(int)header.Length]) is { } link)
            {
                onLink(link);
            }
            else if (header.Type == NetlinkConstants.NlmsgError && BinaryPrimitives.ReadInt32LittleEndian(data[HeaderSize..]) is var error && error < 0)
            {
                throw new IOException($"RTM_GETLINK dump in netns {Namespace} failed: {Errno.Name(-error)} ({Errno.Describe(-error)})");
            }

            var aligned = NetlinkMessageWriter.Align((int)header.Length);
            data = aligned >= data.Length ? [] : data[aligned..];
        }

        return true;
    }

    // The fd number could already belong to another file after Dispose.
    private int Fd => _handle.IsClosed ? throw new ObjectDisposedException(nameof(LinkEventSocket)) : _fd;

    public void Dispose() => _handle.Dispose();

    private static int CreateFd()
    {
        var fd = LibC.Socket(LibC.AfNetlink, LibC.SockRaw | LibC.SockCloExec, LibC.NetlinkRoute);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"socket(AF_NETLINK, NETLINK_ROUTE) for link events failed: {Errno.Name(errno)} ({Errno.Describe(errno)})");
        }

        return fd;
    }

    private static void Check(int result, string call, string netns)
    {
        if (result != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"{call} for link events in netns {netns} failed: {Errno.Name(errno)} ({Errno.Describe(errno)})");
        }
    }
}
