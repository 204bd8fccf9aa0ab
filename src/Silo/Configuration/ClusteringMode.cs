namespace SriovForwarder.Silo.Configuration;

/// <summary>How the silo finds the other silos of the fleet (<c>NSM_CLUSTERING</c>).</summary>
public enum ClusteringMode
{
    /// <summary>A single silo on this machine (Orleans localhost clustering).</summary>
    Localhost,

    /// <summary>Membership kept in Redis, for a fleet of nodes.</summary>
    Redis,
}
