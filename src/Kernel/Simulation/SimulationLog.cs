using Microsoft.Extensions.Logging;

namespace SriovForwarder.Kernel.Simulation;

/// <summary>Source-generated log messages of the simulated SR-IOV node.</summary>
internal static partial class SimulationLog
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "SIMULATION: SR-IOV node {Tag} {Action} in {Root}: {PfCount} PFs, real netdevs: {RealNetdevs}")]
    public static partial void NodeReady(ILogger logger, string tag, string action, string root, int pfCount, bool realNetdevs);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "SIMULATION: no real netdevs ({Reason}); VFs get net/<ifname> folders only")]
    public static partial void NoRealNetdevs(ILogger logger, string reason);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "SIMULATION: device nodes are regular files ({Reason})")]
    public static partial void NoDeviceNodes(ILogger logger, string reason);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "SIMULATION: stale namespace {Namespace}: {Result}")]
    public static partial void StaleNamespaceRemoved(ILogger logger, string @namespace, string result);

    [LoggerMessage(EventId = 1210, Level = LogLevel.Information, Message = "SIMULATION: namespace {From} of an earlier process adopted as {To}")]
    public static partial void NamespaceAdopted(ILogger logger, string from, string to);

    [LoggerMessage(EventId = 1211, Level = LogLevel.Information, Message = "SIMULATION: netdev {Name} is in another namespace (moved there before this start); left where it is")]
    public static partial void NetdevElsewhere(ILogger logger, string name);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "SIMULATION: ip failed in {Where}: {Error}")]
    public static partial void IpFailed(ILogger logger, string where, string error);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Information, Message = "SIMULATION: kernel refused {Operation} of {Address} to {Driver}: {Reason}")]
    public static partial void Refused(ILogger logger, string operation, string address, string driver, string reason);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Debug, Message = "SIMULATION: {Address} {Operation} {Driver}")]
    public static partial void Reacted(ILogger logger, string address, string operation, string driver);

    [LoggerMessage(EventId = 1207, Level = LogLevel.Information, Message = "SIMULATION: PF {Address} sriov_numvfs {From} -> {To}")]
    public static partial void NumVfsChanged(ILogger logger, string address, int from, int to);

    [LoggerMessage(EventId = 1209, Level = LogLevel.Information, Message = "SIMULATION: SR-IOV node {Tag} stopped; temporary, so its folder {Root} and veths were removed: {Temporary}")]
    public static partial void NodeRemoved(ILogger logger, string tag, string root, bool temporary);

    [LoggerMessage(EventId = 1208, Level = LogLevel.Error, Message = "SIMULATION: reaction to a write failed")]
    public static partial void ReactionFailed(ILogger logger, Exception exception);
}
