namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>What a reconcile pass found for one persisted connection.</summary>
public enum ConnectionCheckOutcome
{
    /// <summary>No state: nothing to own.</summary>
    Absent = 0,

    /// <summary>Established and its client is still there.</summary>
    Live = 1,

    /// <summary>A first Request or a Close was cut short by a crash; what it recorded was undone.</summary>
    RolledBack = 2,

    /// <summary>Its client is gone (namespace or cgroup removed, token freed by kubelet): closed at once.</summary>
    ClientGone = 3,
}
