using System.Runtime.InteropServices;

namespace SriovForwarder.Benchmarks.Allocation;

/// <summary>The CPU time of the calling thread (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>), so JIT and GC threads do not count.</summary>
internal static partial class ThreadCpuTime
{
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>Nanoseconds of CPU the calling thread has used, or NaN where the clock is not available.</summary>
    public static double Nanoseconds()
    {
        if (!OperatingSystem.IsLinux() || ClockGetTime(ClockThreadCpuTimeId, out var time) != 0)
        {
            return double.NaN;
        }

        return (time.Seconds * 1e9) + time.Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
