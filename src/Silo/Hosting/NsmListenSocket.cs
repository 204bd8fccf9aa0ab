namespace SriovForwarder.Silo.Hosting;

/// <summary>The unix socket path the NSM endpoint listens on (NSM_LISTEN_ON or a fresh temporary one).</summary>
public sealed record NsmListenSocket(string Path);
