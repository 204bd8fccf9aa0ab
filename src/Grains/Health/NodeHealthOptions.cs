namespace SriovForwarder.Grains.Health;

/// <summary>How the node watches its SR-IOV hardware's health.</summary>
public sealed class NodeHealthOptions
{
    /// <summary>The default <see cref="ReconcileInterval"/>.</summary>
    public static readonly TimeSpan DefaultReconcileInterval = TimeSpan.FromSeconds(5);

    /// <summary>The least non-zero <see cref="ReconcileInterval"/>: each pass reads a few sysfs entries per VF.</summary>
    public static readonly TimeSpan MinimumReconcileInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// <c>NSM_HEALTH_RECONCILE_INTERVAL</c>: period of the sysfs health reconcile, the backstop for faults without a kernel
    /// event (VFs removed, a driver unbound, a VFIO group node gone, a PF unplugged); 0 turns it off. Default 5 s.
    /// </summary>
    public TimeSpan ReconcileInterval { get; set; } = DefaultReconcileInterval;
}
