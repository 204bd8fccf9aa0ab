using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Grains.Chain;

/// <summary>Checks a client's <c>cgroupDir</c> so that it can only name cgroups under the configured cgroup root.</summary>
public static class CgroupDirs
{
    /// <summary>Throws InvalidArgument when <paramref name="cgroupDir"/> is empty, absolute, holds a control character or climbs out with <c>..</c>.</summary>
    public static void Check(string? cgroupDir, string field)
    {
        if (string.IsNullOrEmpty(cgroupDir))
        {
            throw ForwarderException.Invalid($"{field} is missing: expected the client's cgroup directory (set by the NSC's vfio client)");
        }

        RequestStrings.CheckField(cgroupDir, field);
        if (cgroupDir.StartsWith('/'))
        {
            throw ForwarderException.Invalid($"{field} \"{cgroupDir}\" is absolute; it must be relative to the devices cgroup root");
        }

        if (cgroupDir.Split('/').Any(part => part == ".."))
        {
            throw ForwarderException.Invalid($"{field} \"{cgroupDir}\" contains \"..\"; it must stay under the devices cgroup root");
        }
    }
}
