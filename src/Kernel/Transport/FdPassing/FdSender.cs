using System.Runtime.InteropServices;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Transport.FdPassing;

/// <summary>grpcfd's send step: queued descriptors go with <c>SCM_RIGHTS</c> on exactly one byte, at most 64 per message.</summary>
internal static class FdSender
{
    /// <summary>Sends <paramref name="first"/> with up to 64 descriptors taken from <paramref name="queue"/>, then closes our copies.</summary>
    public static unsafe void Send(int fd, byte first, FdSendingQueue queue)
    {
        var handles = queue.Take(LibC.MaxFdsPerMessage);
        try
        {
            var control = new byte[LibC.ControlSpace(handles.Count)];
            fixed (byte* c = control)
            {
                *(nuint*)c = (nuint)(LibC.CmsgHeaderSize + (handles.Count * sizeof(int)));
                *(int*)(c + sizeof(nuint)) = LibC.SolSocket;
                *(int*)(c + sizeof(nuint) + 4) = LibC.ScmRights;
                for (var i = 0; i < handles.Count; i++)
                {
                    *(int*)(c + LibC.CmsgHeaderSize + (i * sizeof(int))) = (int)handles[i].DangerousGetHandle();
                }

                var data = first;
                var iov = new LibC.IoVec { Base = &data, Length = 1 };
                var message = new LibC.MsgHdr { Iov = &iov, IovLength = 1, Control = c, ControlLength = (nuint)control.Length };
                while (true)
                {
                    var sent = LibC.SendMsg(fd, &message, LibC.MsgNoSignal);
                    if (sent == 1)
                    {
                        return;
                    }

                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == LibC.EIntr)
                    {
                        continue;
                    }

                    if (errno == LibC.EAgain)
                    {
                        // A non-blocking socket (.NET's client sockets) only waits for room for one byte.
                        Thread.Sleep(1);
                        continue;
                    }

                    throw new IOException($"unable to send {handles.Count} file descriptor(s): sendmsg failed: {Marshal.GetPInvokeErrorMessage(errno)}");
                }
            }
        }
        finally
        {
            handles.ForEach(h => h.Dispose());
        }
    }
}
