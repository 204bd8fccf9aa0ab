using System.Runtime.InteropServices;

namespace SriovForwarder.Kernel.Transport.FdPassing;

/// <summary>One <c>recvmsg</c> with room for grpcfd's 64 descriptors; the descriptors go to a store before the bytes are returned.</summary>
internal static class FdReceiver
{
    /// <summary>A control buffer big enough for one grpcfd message.</summary>
    public static byte[] NewControlBuffer() => new byte[FdPassingNative.ControlSpace(FdPassingNative.MaxFdsPerMessage)];

    /// <summary>
    /// Receives into <paramref name="data"/>: the byte count (0 at end of stream), or -1 with <paramref name="errno"/>
    /// set (EAGAIN when <paramref name="flags"/> asked not to wait and nothing was there).
    /// </summary>
    public static unsafe int Receive(int fd, Memory<byte> data, byte[] control, int flags, ReceivedFileDescriptors store, out bool truncated, out int errno)
    {
        using var pinned = data.Pin();
        fixed (byte* controlBuffer = control)
        {
            var iov = new FdPassingNative.IoVec { Base = pinned.Pointer, Length = (nuint)data.Length };
            var message = new FdPassingNative.MsgHdr { Iov = &iov, IovLength = 1, Control = controlBuffer, ControlLength = (nuint)control.Length };
            var received = FdPassingNative.RecvMsg(fd, &message, flags | FdPassingNative.MsgCmsgCloexec);
            errno = received < 0 ? Marshal.GetLastPInvokeError() : 0;
            truncated = received >= 0 && (message.Flags & FdPassingNative.MsgCtrunc) != 0;
            if (received >= 0)
            {
                TakeDescriptors(controlBuffer, (int)message.ControlLength, store);
            }

            return (int)received;
        }
    }

    private static unsafe void TakeDescriptors(byte* control, int length, ReceivedFileDescriptors store)
    {
        var offset = 0;
        while (offset + FdPassingNative.CmsgHeaderSize <= length)
        {
            var header = control + offset;
            var cmsgLength = (int)*(nuint*)header;
            var level = *(int*)(header + sizeof(nuint));
            var type = *(int*)(header + sizeof(nuint) + 4);
            if (cmsgLength < FdPassingNative.CmsgHeaderSize)
            {
                return;
            }

            if (level == FdPassingNative.SolSocket && type == FdPassingNative.ScmRights)
            {
                var count = (cmsgLength - FdPassingNative.CmsgHeaderSize) / sizeof(int);
                for (var i = 0; i < count; i++)
                {
                    store.Add(*(int*)(header + FdPassingNative.CmsgHeaderSize + (i * sizeof(int))));
                }
            }

            offset += FdPassingNative.CmsgAlign(cmsgLength);
        }
    }
}
