using System.Globalization;
using System.Runtime.InteropServices;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Diagnostics;

/// <summary>
/// TEST ONLY fault injection: named points between the persistence steps of a Request or Close. When the environment
/// variable <c>NSM_TEST_CRASH_POINT</c> names a point (<c>name</c>, or <c>name#n</c> for its n-th hit), the process kills
/// itself there with SIGKILL, as an OOM kill would, so crash tests can stop it exactly between two steps. Unset (as in
/// every deployment), a point costs one static field read.
/// </summary>
public static partial class CrashPoint
{
    /// <summary>The environment variable that arms one point.</summary>
    public const string Variable = "NSM_TEST_CRASH_POINT";

    private const int SigKill = 9;
    private static readonly (string Name, int Hit)? Armed = Parse(Environment.GetEnvironmentVariable(Variable));
    private static int _hits;

    /// <summary>Whether a point is armed in this process.</summary>
    public static bool IsArmed => Armed is not null;

    /// <summary>Kills the process when <paramref name="name"/> is the armed point and this is its armed hit.</summary>
    public static void Reach(string name)
    {
        if (Armed is not { } armed || !string.Equals(armed.Name, name, StringComparison.Ordinal))
        {
            return;
        }

        if (Interlocked.Increment(ref _hits) == armed.Hit)
        {
            Console.Out.Flush();
            _ = LibC.Kill(Environment.ProcessId, SigKill);
        }
    }

    private static (string, int)? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var hash = value.IndexOf('#', StringComparison.Ordinal);
        return hash < 0
            ? (value, 1)
            : (value[..hash], int.Parse(value[(hash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture));
    }
}
