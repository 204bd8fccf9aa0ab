namespace SriovForwarder.Silo.Ops;

/// <summary>Endpoint metadata: the listener whose connections may reach the endpoint.</summary>
/// <param name="Surface">The listener's endpoint group.</param>
public sealed record ServedOn(ListenerSurface Surface);
