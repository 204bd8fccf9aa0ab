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

    [LoggerMessage(EventId = 4110, Level = LogLevel.Information, Message = "Allowed c {Device} rwm in cgroup {Cgroup} (cgroup v2 device program)")]
    internal static partial void ProgramAllowed(this ILogger logger, string cgroup, DeviceNumber device);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Information, Message = "Denied c {Device} rwm in cgroup {Cgroup} (cgroup v2 device program)")]
    internal static partial void ProgramDenied(this ILogger logger, string cgroup, DeviceNumber device);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Information, Message = "Cgroup {Cgroup}: our device program {How}, the runtime's kept for the rest; pins in {PinFolder}")]
    internal static partial void TookOver(this ILogger logger, string cgroup, string how, string pinFolder);

    [LoggerMessage(EventId = 4113, Level = LogLevel.Information, Message = "Cgroup {Cgroup} holds no grants any more: {Outcome}")]
    internal static partial void GaveBack(this ILogger logger, string cgroup, string outcome);

    [LoggerMessage(EventId = 4114, Level = LogLevel.Debug, Message = "Cgroup {Cgroup} has no device program attached, so c {Device} is not restricted there; nothing to grant")]
    internal static partial void NoDeviceProgram(this ILogger logger, string cgroup, DeviceNumber device);

    [LoggerMessage(EventId = 4115, Level = LogLevel.Information, Message = "Cgroup {Cgroup} does not run our device program; nothing to revoke for c {Device}")]
    internal static partial void NothingToRevoke(this ILogger logger, string cgroup, DeviceNumber device);

    [LoggerMessage(EventId = 4116, Level = LogLevel.Warning, Message = "Giving the runtime's device program back to cgroup {Cgroup} failed")]
    internal static partial void GiveBackFailed(this ILogger logger, Exception error, string cgroup);

    [LoggerMessage(EventId = 4117, Level = LogLevel.Information, Message = "Device grants use {Mode}: cgroup v1 devices root {V1Root} ({V1State}), cgroup v2 root {V2Root} ({V2State})")]
    internal static partial void HierarchyDetected(this ILogger logger, string mode, string v1Root, string v1State, string v2Root, string v2State);

    [LoggerMessage(EventId = 4118, Level = LogLevel.Information, Message = "cgroupDir {Pattern}: granting through cgroup {Hierarchy}")]
    internal static partial void HierarchyChosen(this ILogger logger, string pattern, string hierarchy);

    [LoggerMessage(EventId = 4119, Level = LogLevel.Warning, Message = "Cgroup {Cgroup}: the runtime replaced our device program; re-applied {Count} device grants on top of its new one")]
    internal static partial void Reapplied(this ILogger logger, string cgroup, int count);

    [LoggerMessage(EventId = 4120, Level = LogLevel.Information, Message = "Cgroup {Cgroup} is gone; removed its device program pins {PinFolder}")]
    internal static partial void PinsSwept(this ILogger logger, string cgroup, string pinFolder);

    [LoggerMessage(EventId = 4121, Level = LogLevel.Warning, Message = "Reconciling the device grants of cgroup {Cgroup} failed")]
    internal static partial void ReconcileFailed(this ILogger logger, Exception error, string cgroup);
}
