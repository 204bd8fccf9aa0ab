using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>What one resource's plugin server needs: its name, the node grain, the change signal and the allocation tracker.</summary>
public sealed record ResourcePlugin(
    string ResourceName,
    INodeGrain Node,
    TokenChangeSignal Changes,
    AllocatedTokenTracker Tracker,
    TimeSpan ResourcePollTimeout,
    TimeProvider Time);
