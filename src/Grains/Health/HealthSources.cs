namespace SriovForwarder.Grains.Health;

/// <summary>The names of the health sources; each replaces only its own faults, so one source clearing never hides another's.</summary>
public static class HealthSources
{
    /// <summary>rtnetlink link events of the PF netdevs: carrier, admin state, netdev removal.</summary>
    public const string Link = "link";

    /// <summary>The periodic sysfs reconcile: devices present, drivers bound as expected, VFIO group nodes present.</summary>
    public const string Sysfs = "sysfs";
}
