using System.Diagnostics;
using System.Globalization;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>Reads a character device's major:minor with stat(1), independently of the forwarder's own code.</summary>
public static class DeviceNumbers
{
    public static (int Major, int Minor) Of(string path)
    {
        var start = new ProcessStartInfo("stat", ["-c", "%t %T", path]) { RedirectStandardOutput = true };
        using var stat = Process.Start(start)!;
        var parts = stat.StandardOutput.ReadToEnd().Trim().Split(' ');
        stat.WaitForExit();
        return (int.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture), int.Parse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }
}
