using System.Runtime.InteropServices;

namespace SriovForwarder.Kernel.Vfio;

/// <summary>Turns an errno into readable text for error messages.</summary>
internal static class Errno
{
    internal static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
