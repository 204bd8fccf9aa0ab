namespace SriovForwarder.Kernel.Vfio;

/// <summary>Where the host's <c>/dev/vfio</c> is visible to the forwarder (upstream's <c>NSM_VFIO_PATH</c>).</summary>
public sealed class VfioOptions
{
    /// <summary>The default <see cref="VfioPath"/>: where the DaemonSet mounts the host's <c>/dev/vfio</c>.</summary>
    public const string DefaultVfioPath = "/host/dev/vfio";

    /// <summary>The folder holding the <c>vfio</c> container device and one device per IOMMU group; default <c>/host/dev/vfio</c>.</summary>
    public string VfioPath { get; set; } = DefaultVfioPath;
}
