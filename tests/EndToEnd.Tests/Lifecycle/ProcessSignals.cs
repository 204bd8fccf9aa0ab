using System.Runtime.InteropServices;

namespace SriovForwarder.EndToEnd.Tests.Lifecycle;

/// <summary>Sends a signal to a process, as an operator's <c>kill -USR1</c> or Kubernetes' SIGTERM does.</summary>
public static partial class ProcessSignals
{
    public const int SigTerm = 15;
    public const int SigUsr1 = 10;
    public const int SigUsr2 = 12;

    public static void Send(ForwarderProcess process, int signal)
    {
        if (Kill(process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
