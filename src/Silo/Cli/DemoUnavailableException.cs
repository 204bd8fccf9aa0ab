namespace SriovForwarder.Silo.Cli;

/// <summary>The demo's client verb found no demo forwarder to play a pod against (the message says where it looked).</summary>
public sealed class DemoUnavailableException(string message) : Exception(message);
