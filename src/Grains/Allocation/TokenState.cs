namespace SriovForwarder.Grains.Allocation;

/// <summary>The state of a device-plugin token, numbered as upstream numbers it.</summary>
public enum TokenState
{
    /// <summary>Not given to any pod.</summary>
    Free = 0,

    /// <summary>Kubelet has given it to a pod.</summary>
    Allocated = 1,

    /// <summary>A connection uses a VF through it.</summary>
    InUse = 2,

    /// <summary>Unavailable because a token of another name uses a VF of a PF that also offers this name.</summary>
    Closed = 3,
}
