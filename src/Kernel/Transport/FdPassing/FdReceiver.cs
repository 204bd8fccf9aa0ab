using System.Runtime.InteropServices;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Transport.FdPassing;

/// <summary>One <c>recvmsg</c> with room for grpcfd's 64 descriptors; the descriptors go to a store before the bytes are returned.</summary>
internal static class FdReceiver
{
    /// <summary>A control buffer big enough for one grpcfd message.</summary>
    public static byte[] NewControlBuffer() => new byte[LibC.ControlSpace(LibC.MaxFdsPerMessage)];

    /// <summary>
    /// Receives into <paramref name="data"/>: the byte count (0 at end of stream), or -1 with <paramref name="errno"/>
    /// set (EAGAIN when <paramref name="flags"/> asked not to wait and nothing was there).
    /// </summary>
    public static unsafe int Receive(int fd, Memory<byte> data, byte[] control, int flags, ReceivedFileDescriptors store, out bool truncated, out int errno)
    {
        using var pinned = data.Pin();
        fixed (byte* controlBuffer = control)
        {
            var iov = new LibC.IoVec { Base = pinned.Pointer, Length = (nuint)data.Length };
            var message = new LibC.MsgHdr { Iov = &iov, IovLength = 1, Control = controlBuffer, ControlLength = (nuint)control.Length };
            var received = LibC.RecvMsg(fd, &message, flags | LibC.MsgCmsgCloexec);
            errno = received < 0 ? Marshal.GetLastPInvokeError() : 0;
            truncated = received >= 0 && (message.Flags & LibC.MsgCtrunc) != 0;
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
        while (offset + LibC.CmsgHeaderSize <= length)
        {
            var header = control + offset;
            var cmsgLength = (int)*(nuint*)header;
            var level = *(int*)(header + sizeof(nuint));
            var type = *(int*)(header + sizeof(nuint) + 4);
            if (cmsgLength < LibC.CmsgHeaderSize)
            {
                return;
            }

            if (level == LibC.SolSocket && type == LibC.ScmRights)
            {
                var count = (cmsgLength - LibC.CmsgHeaderSize) / sizeof(int);
                for (var i = 0; i < count; i++)
                {
                    store.Add(*(int*)(header + LibC.CmsgHeaderSize + (i * sizeof(int))));
                }
            }

            offset += LibC.CmsgAlign(cmsgLength);
        }
    }
}
