using System.Runtime.InteropServices;

namespace SriovForwarder.Silo.Hosting;

/// <summary>
/// Catches SIGTERM/SIGINT while the forwarder starts, before the host handles them, so a stop during start-up is a
/// normal stop (the simulated node is removed, exit code 0) instead of the runtime ending the process mid-way.
/// </summary>
public sealed class StartupStopSignal : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;

    public StartupStopSignal()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle), PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle)];
    }

    /// <summary>Cancelled when a stop signal came.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>True when a stop signal came.</summary>
    public bool Requested => _stop.IsCancellationRequested;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        _stop.Cancel();
    }
}
