using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Namespaces;

/// <summary>Runs work inside another network namespace on a short-lived dedicated thread.</summary>
/// <remarks>
/// setns changes only the calling thread. Doing it on a pool thread would leave that thread (and whatever
/// the pool runs on it next) in the wrong namespace, so the switch happens on a fresh thread that
/// switches back and then ends. Sockets and files opened there keep their namespace from any thread.
/// </remarks>
public static class NamespaceThread
{
    /// <summary>Runs <paramref name="work"/> with the calling thread's view replaced by <paramref name="target"/>, and returns its result.</summary>
    public static T Run<T>(NetworkNamespace target, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(work);
        var targetFd = target.FileDescriptor;
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var original = NetworkNamespace.OpenCurrentThread();
                if (LibC.SetNs(targetFd, LibC.CloneNewNet) != 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    throw new NetworkNamespaceException(target.Url, $"setns failed: {Marshal.GetPInvokeErrorMessage(errno)}");
                }

                try
                {
                    result = work();
                }
                finally
                {
                    // Best effort: the thread ends right after, so a failed switch back cannot leak.
                    _ = LibC.SetNs(original.FileDescriptor, LibC.CloneNewNet);
                }
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        })
        {
            IsBackground = true,
            Name = "netns-worker",
        };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    /// <summary>Runs <paramref name="work"/> inside <paramref name="target"/> on a dedicated thread.</summary>
    public static void Run(NetworkNamespace target, Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        Run(target, () =>
        {
            work();
            return true;
        });
    }
}
