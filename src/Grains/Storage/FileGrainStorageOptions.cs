namespace SriovForwarder.Grains.Storage;

/// <summary>Where node-bound grains keep their state on the node itself.</summary>
public sealed class FileGrainStorageOptions
{
    /// <summary>Root folder (NSM_STATE_PATH); each grain type gets a sub-folder, each grain one JSON file.</summary>
    public string RootPath { get; set; } = "/var/lib/networkservicemesh/sriov-forwarder";
}
