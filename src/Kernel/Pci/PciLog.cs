using Microsoft.Extensions.Logging;

namespace SriovForwarder.Kernel.Pci;

/// <summary>Source-generated log messages of the PCI sysfs code.</summary>
internal static partial class PciLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Enabling {Count} VFs on PF {Address}")]
    public static partial void EnablingVfs(ILogger logger, string address, string count);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Opened PF {Address}: {VfCount} VFs, driver {Driver}")]
    public static partial void OpenedPf(ILogger logger, string address, int vfCount, string? driver);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "Binding {Address} from {From} to {Driver}")]
    public static partial void Binding(ILogger logger, string address, string? from, string driver);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Bound {Address} to {Driver}")]
    public static partial void Bound(ILogger logger, string address, string driver);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Debug, Message = "Writing {Address} to {Path} reported an error (ignored, readiness decides): {Error}")]
    public static partial void BindWriteFailed(ILogger logger, string address, string path, string error);
}
