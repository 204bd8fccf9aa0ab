using System.Runtime.InteropServices;

namespace SriovForwarder.Silo.Hosting;

/// <summary>
/// Catches SIGTERM/SIGINT while the forwarder starts, before the host handles them, so a stop during start-up is a
/// normal stop (the simulated node is removed, exit code 0) instead of the runtime ending the process mid-way.
/// </summary>
public sealed class StartupStopSignal : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration _terminate;
    private readonly PosixSignalRegistration _interrupt;

    public StartupStopSignal()
    {
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
        try
        {
            _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        }
        catch
        {
            _terminate.Dispose();
            _stop.Dispose();
            throw;
        }
    }

    /// <summary>Cancelled when a stop signal came.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>True when a stop signal came.</summary>
    public bool Requested => _stop.IsCancellationRequested;

    /// <inheritdoc />
    public void Dispose()
    {
        _terminate.Dispose();
        _interrupt.Dispose();
        _stop.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        _stop.Cancel();
    }
}
