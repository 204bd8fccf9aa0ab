using Microsoft.Extensions.Logging;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Kernel.Cgroups;

/// <summary>Log messages of the devices cgroup controller.</summary>
internal static partial class DeviceCgroupLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Allowed c {Device} rwm in devices cgroup {Cgroup}")]
    internal static partial void Allowed(this ILogger logger, string cgroup, DeviceNumber device);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Debug, Message = "c {Device} already allowed in devices cgroup {Cgroup}; references now {References}")]
    internal static partial void Referenced(this ILogger logger, string cgroup, DeviceNumber device, int references);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Debug, Message = "Skipping devices cgroup {Cgroup} for c {Device}: its rule {Rule} is wider")]
    internal static partial void SkippedWider(this ILogger logger, string cgroup, DeviceNumber device, DeviceRule rule);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "Denied c {Device} rwm in devices cgroup {Cgroup}")]
    internal static partial void Denied(this ILogger logger, string cgroup, DeviceNumber device);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Debug, Message = "Released a reference on c {Device} in devices cgroup {Cgroup}; {References} remain")]
    internal static partial void Released(this ILogger logger, string cgroup, DeviceNumber device, int references);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Information, Message = "Devices cgroup {Cgroup} is gone; nothing to deny for c {Device}")]
    internal static partial void CgroupGone(this ILogger logger, string cgroup, DeviceNumber device);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Warning, Message = "Rolling back c {Device} in devices cgroup {Cgroup} failed")]
    internal static partial void RollbackFailed(this ILogger logger, Exception error, string cgroup, DeviceNumber device);
}
