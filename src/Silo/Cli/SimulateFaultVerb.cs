using SriovForwarder.Kernel.Simulation;

namespace SriovForwarder.Silo.Cli;

/// <summary>
/// <c>sriov-forwarder simulate-fault</c>: plays one hardware fault, or its undo, on the simulated node of a running
/// forwarder (<see cref="SimulatedNodeFaults"/>), so a person can watch the device-health loop work.
/// </summary>
public static class SimulateFaultVerb
{
    /// <summary>Exit code: the fault could not be played (no such node, function or forwarder, nothing to undo).</summary>
    public const int NotPlayed = 3;

    /// <summary>Runs the verb with the arguments after <c>simulate-fault</c>; returns the exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var (arguments, argumentError) = SimulateFaultArguments.Parse(args);
        if (arguments is null)
        {
            await error.WriteLineAsync($"sriov-forwarder simulate-fault: {argumentError}");
            return Hosting.ForwarderProgram.ConfigurationError;
        }

        try
        {
            var node = SimulatedNodeFaults.Open(arguments.SimulationFolder);
            await output.WriteLineAsync(node.Play(arguments.Fault, arguments.Target));
            return 0;
        }
        catch (Exception ex) when (ex is SimulatedFaultException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            await error.WriteLineAsync($"sriov-forwarder simulate-fault {arguments.Fault} {arguments.Target}: {ex.Message}");
            return NotPlayed;
        }
    }
}
