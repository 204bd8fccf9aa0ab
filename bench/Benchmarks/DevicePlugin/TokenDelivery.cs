namespace SriovForwarder.Benchmarks.DevicePlugin;

/// <summary>How the node grain's token change reaches the plugin's ListAndWatch streams in a benchmark.</summary>
public enum TokenDelivery
{
    /// <summary>The Orleans observer wakes the streams, which read the devices back from the node grain (before decision 042).</summary>
    ObserverReadBack,

    /// <summary>The Orleans observer carries the devices (decision 042).</summary>
    Observer,

    /// <summary>The node grain hands the change to this process's sink in its committing turn (decision 050), as the forwarder does.</summary>
    LocalSink,
}
