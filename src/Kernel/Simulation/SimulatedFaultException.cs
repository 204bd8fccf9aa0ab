namespace SriovForwarder.Kernel.Simulation;

/// <summary>A simulated fault that cannot be played or undone; the message says why and what to do.</summary>
public sealed class SimulatedFaultException : Exception
{
    public SimulatedFaultException()
    {
    }

    public SimulatedFaultException(string message)
        : base(message)
    {
    }

    public SimulatedFaultException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
