namespace SriovForwarder.Grains.Health;

/// <summary>One fault the sysfs reconcile found; <paramref name="Settled"/> faults count at once, others only when the next pass sees them too.</summary>
/// <param name="Reason">What is wrong, naming the function and what was expected.</param>
/// <param name="Settled">
/// True for a device that is gone; false for a driver or VFIO node that differs from what is expected, which is also what
/// a driver rebind in progress looks like for a few milliseconds.
/// </param>
public sealed record SysfsFault(string Reason, bool Settled);
