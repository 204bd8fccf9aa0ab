namespace SriovForwarder.Silo.Hosting;

/// <summary>
/// The host cannot run the forwarder as configured; the message names the setting, file, path or port and what is
/// wrong, and is printed as the one start-up failure line before exit code 1 (no stack trace: nothing is broken in us).
/// </summary>
public sealed class StartupRefusedException : Exception
{
    public StartupRefusedException()
    {
    }

    public StartupRefusedException(string message)
        : base(message)
    {
    }

    public StartupRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
