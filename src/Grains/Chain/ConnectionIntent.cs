namespace SriovForwarder.Grains.Chain;

/// <summary>
/// What a connection was in the middle of when its state was last written (decision 007). Written before the chain
/// runs, so a process killed during a first Request or a Close leaves a record that the restarted process finishes
/// undoing; <see cref="None"/> means the state describes a settled connection.
/// </summary>
public enum ConnectionIntent
{
    /// <summary>Settled: established, or nothing.</summary>
    None = 0,

    /// <summary>A first Request is running: on restart, everything it recorded is undone.</summary>
    Request = 1,

    /// <summary>A Close is running: on restart, the Close is finished.</summary>
    Close = 2,
}
